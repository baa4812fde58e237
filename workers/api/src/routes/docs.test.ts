import { describe, expect, it } from "vitest";
import { call } from "../testing/http.ts";
import { createApiApp } from "../app.ts";
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";

describe("API reference", () => {
  it("documents the edge's Product API from the shared schemas, beside the management API", async () => {
    const spec = await call("GET", "/api/openapi.json");
    expect(spec.status).toBe(200);
    expect(spec.body).toMatchObject({ openapi: "3.1.0" });
    const getPrompt = spec.body!.paths["/api/v1/get-prompt/{slug}"];
    expect(Object.keys(getPrompt).sort()).toEqual(["get", "post"]);
    expect(getPrompt.get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["slug", "env", "format", "source", "unit_id"]));
    expect(Object.keys(getPrompt.get.responses)).toEqual(expect.arrayContaining(["200", "401", "404", "429", "503"]));
  });

  it("serves an interactive reference page that needs nothing from the internet", async () => {
    const response = await createApiApp().fetch(new Request("http://api.test/api/docs"), env, createExecutionContext());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("/api/openapi.json");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="https?:/);
  });
});
