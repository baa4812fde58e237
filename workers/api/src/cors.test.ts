import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createApiApp, MAX_BODY_BYTES } from "./app.ts";

const SITE = "http://site.test";

async function send(path: string, init: RequestInit = {}, overrides: Record<string, unknown> = {}) {
  const ctx = createExecutionContext();
  const response = await createApiApp().fetch(new Request(`http://api.test${path}`, init), { ...env, ALLOWED_ORIGINS: SITE, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("CORS for the management site", () => {
  it("answers the preflight of an allowed origin, and not of another", async () => {
    const preflight = (origin: string) =>
      send("/api/auth/register", { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    const allowed = await preflight(SITE);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    expect((await preflight("http://elsewhere.test")).headers.get("access-control-allow-origin")).toBeNull();
  });

  // The site can only show the API's error message when the browser lets it read the error.
  it.each([
    ["a validation error", "/api/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }, {}, 400],
    ["an oversized body", "/api/auth/register", { method: "POST", headers: { "content-type": "application/json", "content-length": String(MAX_BODY_BYTES + 1) }, body: "x".repeat(MAX_BODY_BYTES + 1) }, {}, 413],
    ["an invalid configuration", "/api/auth/me", {}, { JWT_SECRET: "short" }, 500],
  ] as const)("lets the site read %s", async (_name, path, init, overrides, status) => {
    const response = await send(path, { ...init, headers: { ...(init as { headers?: Record<string, string> }).headers, origin: SITE } }, overrides);
    expect(response.status).toBe(status);
    expect(response.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(response.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
    expect(((await response.json()) as { error: { code: string } }).error.code).toEqual(expect.any(String));
  });

  it("answers the preflight even when the rest of the configuration is invalid", async () => {
    const response = await send(
      "/api/auth/login",
      { method: "OPTIONS", headers: { origin: SITE, "access-control-request-method": "POST" } },
      { JWT_SECRET: "short" },
    );
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(SITE);
  });
});
