import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createApiApp, MAX_BODY_BYTES } from "../app.ts";
import { productionSecrets } from "../testing/production-secrets.ts";

async function getHealth(overrides: Record<string, unknown> = {}) {
  const ctx = createExecutionContext();
  const response = await createApiApp().fetch(new Request("http://api.test/health"), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, { ok: boolean; latency_ms: number; error?: string }> } };
}

// A port nothing listens on: the fault is injected at the service's address, not in our code.
const DEAD = "http://127.0.0.1:9";

describe("GET /health", () => {
  it("reports every dependency with its latency", async () => {
    const { status, body } = await getHealth();
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checks).sort()).toEqual(["db", "kv", "qstash", "redis"]);
    for (const check of Object.values(body.checks)) expect(check).toMatchObject({ ok: true, latency_ms: expect.any(Number) });
  });

  it.each([
    ["redis", { UPSTASH_REDIS_REST_URL: DEAD }],
    ["db", { NEON_LOCAL_ENDPOINT: DEAD }],
    ["qstash", { QSTASH_URL: DEAD }],
  ])("answers 503 naming %s when it is down", async (name, overrides) => {
    const { status, body } = await getHealth(overrides);
    expect(status).toBe(503);
    expect(body.status).toBe("degraded");
    expect(body.checks[name]).toMatchObject({ ok: false });
    expect(body.checks[name]?.error).toBeTruthy();
    const others = Object.entries(body.checks).filter(([other]) => other !== name);
    expect(others.every(([, check]) => check.ok)).toBe(true);
  });

  it("fails closed with a clear error when the configuration is invalid", async () => {
    const ctx = createExecutionContext();
    const response = await createApiApp().fetch(new Request("http://api.test/health"), { ...env, JWT_SECRET: "short" }, ctx);
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("MISCONFIGURED");
    expect(body.error.message).toContain("JWT_SECRET");
    expect(body.error.message).not.toContain("short");
  });
});

describe("unknown routes", () => {
  it("answer a JSON 404 with a request id", async () => {
    const ctx = createExecutionContext();
    const response = await createApiApp().fetch(new Request("http://api.test/nope"), env, ctx);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; request_id: string } };
    expect(body.error.code).toBe("NOT_FOUND");
    expect(body.error.request_id).toMatch(/^req_/);
    expect(response.headers.get("x-request-id")).toBe(body.error.request_id);
  });

  it("hide the development routes in production", async () => {
    const ctx = createExecutionContext();
    const response = await createApiApp().fetch(new Request("http://api.test/api/dev/seed", { method: "POST" }), { ...env, ...productionSecrets() }, ctx);
    expect(response.status).toBe(404);
  });
});

describe("request bodies", () => {
  it("over the size limit answer 413 as JSON before any handler reads them", async () => {
    const ctx = createExecutionContext();
    const body = "x".repeat(MAX_BODY_BYTES + 1);
    const response = await createApiApp().fetch(new Request("http://api.test/api/dev/seed", { method: "POST", body }), env, ctx);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  });
});
