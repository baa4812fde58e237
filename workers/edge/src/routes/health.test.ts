import { describe, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createEdgeApp } from "../app.ts";

describe("GET /health", () => {
  it("reports KV, the queue, Redis and the database (through the API worker)", async () => {
    const response = await exports.default.fetch("http://edge.test/health");
    const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean; latency_ms: number }> };
    expect(body, JSON.stringify(body.checks)).toMatchObject({ status: "ok" });
    expect(response.status).toBe(200);
    expect(Object.keys(body.checks).sort()).toEqual(["db", "kv", "queue", "redis"]);
    for (const check of Object.values(body.checks)) expect(check).toMatchObject({ ok: true, latency_ms: expect.any(Number) });
  });

  it("answers 503 naming Redis when Redis is unreachable", async () => {
    const ctx = createExecutionContext();
    const response = await createEdgeApp().fetch(new Request("http://edge.test/health"), { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks.redis?.ok).toBe(false);
    expect(body.checks.kv?.ok).toBe(true);
  });

  it("answers liveness without touching dependencies", async () => {
    const response = await exports.default.fetch("http://edge.test/health/live");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers, errors included, with nosniff and no framing", async () => {
    for (const path of ["/health/live", "/no-such-route"]) {
      const response = await exports.default.fetch(`http://edge.test${path}`);
      await response.body?.cancel();
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("content-security-policy"), path).toBe("frame-ancestors 'none'");
    }
  });
});
