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

  it("links the Postman collection, served with this origin as its base URL and bearer auth", async () => {
    const html = await (await createApiApp().fetch(new Request("http://api.test/api/docs"), env, createExecutionContext())).text();
    expect(html).toMatch(/<a href="\/api\/docs\/postman.json" download="[^"]+">Postman collection<\/a>/);
    const response = await createApiApp().fetch(new Request("https://api.example.test/api/docs/postman.json"), env, createExecutionContext());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.postman_collection\.json"$/);
    const collection = (await response.json()) as { info: { schema: string }; auth: unknown; variable: Array<{ key: string; value: string }>; item: unknown[] };
    expect(collection.info.schema).toMatch(/collection\/v2\.1\.0/);
    expect(collection.variable.find((variable) => variable.key === "baseUrl")?.value).toBe("https://api.example.test");
    expect(collection.auth).toEqual({ type: "bearer", bearer: [{ key: "token", value: "{{accessToken}}", type: "string" }] });
    expect(collection.item.length).toBeGreaterThan(5);
  });

  it("serves the page under a CSP that allows exactly its own inline script and style, and no framing", async () => {
    const response = await createApiApp().fetch(new Request("http://api.test/api/docs"), env, createExecutionContext());
    const csp = response.headers.get("content-security-policy")!;
    const html = await response.text();
    const directives = new Map(csp.split(/;\s*/).map((directive) => [directive.split(" ")[0]!, directive.split(" ").slice(1)]));
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    // Each inline element's text hashes to the one source its directive allows: the page runs.
    for (const [tag, directive] of [["script", "script-src"], ["style", "style-src"]] as const) {
      const inline = [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((match) => match[1]!);
      expect(inline).toHaveLength(1);
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(inline[0]!)));
      expect(directives.get(directive)).toEqual([`'sha256-${btoa(String.fromCharCode(...digest))}'`]);
    }
    // Nothing else would run: no event-handler attributes, no other script or style elements.
    expect(html).not.toMatch(/\son[a-z]+=|<script\s|<style\s|style="/);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers JSON, errors included, with nosniff and no framing", async () => {
    for (const path of ["/api/openapi.json", "/api/no-such-route"]) {
      const response = await createApiApp().fetch(new Request(`http://api.test${path}`), env, createExecutionContext());
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("content-security-policy"), path).toBe("frame-ancestors 'none'");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
    }
  });
});
