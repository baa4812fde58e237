/**
 * Rate limits through get-prompt, against the Redis REST stand-in. Low limits come in the way a
 * deployment would set them, through RATE_LIMIT_OVERRIDES; the windows are about an hour long and
 * chosen so that their next boundary is minutes away (a test straddling one would see the
 * sliding window round the previous window's count down).
 * Tests that need Redis's answer give it a second instead of 50 ms: an isolate's first check
 * also loads the Lua script, and a busy test machine must not turn it into a fail-open.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { RATE_LIMIT_POLICIES, type RateLimitOverrides } from "@xr2/shared";
import { createEdgeApp } from "../app.ts";
import { createApiKey, createPublishedPrompt, newApiKey } from "../testing/fixtures.ts";
import { windowSecondsAwayFromBoundary } from "@xr2/shared/testing/rate-limit-window";

const app = createEdgeApp();
const HOUR = windowSecondsAwayFromBoundary(3_600);

/** One env object per scenario: workerd gives every request of an isolate the same one. */
function envWith(vars: Record<string, string>) {
  return { ...env, RATE_LIMIT_TIMEOUT_MS: "1000", ...vars };
}

function overrides(value: RateLimitOverrides): Record<string, string> {
  return { RATE_LIMIT_OVERRIDES: JSON.stringify(value) };
}

async function getPrompt(testEnv: object, slug: string, key: string, query = ""): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://edge.test/api/v1/get-prompt/${slug}${query}`, { headers: { authorization: `Bearer ${key}` } }), testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function rateLimitHeaders(response: Response) {
  return {
    limit: response.headers.get("ratelimit-limit"),
    remaining: response.headers.get("ratelimit-remaining"),
    reset: Number(response.headers.get("ratelimit-reset")),
  };
}

afterEach(() => vi.restoreAllMocks());

describe("rate limits on get-prompt", () => {
  it("during a Redis outage asks Redis once, then lets requests through without asking for a while", async () => {
    const testEnv = envWith({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" });
    const fixture = await createPublishedPrompt();
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    for (let index = 0; index < 10; index++) expect((await getPrompt(testEnv, fixture.slug, fixture.apiKey, "?format=text")).status).toBe(200);
    const redisCalls = fetchSpy.mock.calls.filter(([input]) => String(input instanceof Request ? input.url : input).startsWith("http://127.0.0.1:9")).length;
    // Once per second at most; without the pause every request would ask (10). A slow machine may cross one second.
    expect(redisCalls).toBeGreaterThanOrEqual(1);
    expect(redisCalls).toBeLessThanOrEqual(3);
  });

  it("admits some requests on a lease without asking Redis, yet counts every one of them", async () => {
    const testEnv = envWith(overrides({ getPromptPerKey: { requests: 200, windowSeconds: HOUR } }));
    const fixture = await createPublishedPrompt();
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const remaining: number[] = [];
    for (let index = 0; index < 30; index++) {
      const response = await getPrompt(testEnv, fixture.slug, fixture.apiKey, "?format=text");
      expect(response.status).toBe(200);
      remaining.push(Number(response.headers.get("ratelimit-remaining")));
    }
    // Each request is counted: the budget falls by one per request, leased or not.
    expect(remaining).toEqual(Array.from({ length: 30 }, (_, index) => 199 - index));
    const redisCalls = fetchSpy.mock.calls.filter(([input]) => String(input instanceof Request ? input.url : input).startsWith(String(env.UPSTASH_REDIS_REST_URL))).length;
    expect(redisCalls).toBeLessThan(10);
    expect(redisCalls).toBeGreaterThan(0);
  });

  it("renews a lease after the answer, before it runs out, so only the first of a steady stream of requests waits for Redis", async () => {
    // Leases long enough that a slow test machine cannot let one expire between two requests.
    const testEnv = envWith({ ...overrides({ getPromptPerKey: { requests: 1_000, windowSeconds: HOUR } }), RATE_LIMIT_LEASE_MS: "5000" });
    const fixture = await createPublishedPrompt();
    const redisUrl = String(env.UPSTASH_REDIS_REST_URL);
    // After the first request, Redis answers only once the request's response is out: a request
    // that waited for Redis would run into the 1 s deadline and be let through without headers.
    let holding = false;
    let held: Array<() => void> = [];
    let redisCalls = 0;
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      if (String(input instanceof Request ? input.url : input).startsWith(redisUrl)) {
        redisCalls++;
        if (holding) await new Promise<void>((release) => held.push(release));
      }
      return realFetch(input, init);
    });
    const remaining: Array<number | null> = [];
    for (let index = 0; index < 120; index++) {
      const ctx = createExecutionContext();
      holding = index > 0;
      const response = await app.fetch(new Request(`http://edge.test/api/v1/get-prompt/${fixture.slug}?format=text`, { headers: { authorization: `Bearer ${fixture.apiKey}` } }), testEnv, ctx);
      holding = false;
      for (const release of held) release();
      held = [];
      await waitOnExecutionContext(ctx);
      expect(response.status).toBe(200);
      const header = response.headers.get("ratelimit-remaining");
      remaining.push(header === null ? null : Number(header));
    }
    // Every request was counted and answered from a lease; the leases were renewed meanwhile.
    expect(remaining).toEqual(Array.from({ length: 120 }, (_, index) => 999 - index));
    expect(redisCalls).toBeGreaterThan(2);
  });

  it("sends the tightest policy's RateLimit-* headers with a 200 under the default policies", async () => {
    const fixture = await createPublishedPrompt();
    const response = await getPrompt(envWith({}), fixture.slug, fixture.apiKey, "?format=text");
    expect(response.status).toBe(200);
    const headers = rateLimitHeaders(response);
    const { requests } = RATE_LIMIT_POLICIES.getPromptPerKey;
    expect(headers).toMatchObject({ limit: String(requests), remaining: String(requests - 1) });
    expect(headers.reset).toBeGreaterThanOrEqual(0);
    expect(headers.reset).toBeLessThanOrEqual(60);
  });

  it("answers 429 with Retry-After and RateLimit-* once a key has spent its limit, and keeps refusing", async () => {
    const testEnv = envWith(overrides({ getPromptPerKey: { requests: 3, windowSeconds: HOUR } }));
    const fixture = await createPublishedPrompt();
    const remaining: Array<string | null> = [];
    for (let index = 0; index < 3; index++) {
      const response = await getPrompt(testEnv, fixture.slug, fixture.apiKey);
      expect(response.status).toBe(200);
      expect(rateLimitHeaders(response).limit).toBe("3");
      remaining.push(rateLimitHeaders(response).remaining);
    }
    expect(remaining).toEqual(["2", "1", "0"]);

    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await getPrompt(testEnv, fixture.slug, fixture.apiKey);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringContaining("API key"), request_id: expect.any(String) } });
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(HOUR);
      expect(rateLimitHeaders(refused)).toEqual({ limit: "3", remaining: "0", reset: retryAfter });
    }
  });

  it("limits a workspace across its keys", async () => {
    const testEnv = envWith(overrides({ getPromptPerWorkspace: { requests: 3, windowSeconds: HOUR } }));
    const fixture = await createPublishedPrompt();
    const second = await createApiKey(fixture.workspaceId, newApiKey());
    for (const key of [fixture.apiKey, second.apiKey, fixture.apiKey]) expect((await getPrompt(testEnv, fixture.slug, key)).status).toBe(200);

    const refused = await getPrompt(testEnv, fixture.slug, second.apiKey);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringContaining("workspace") } });
    expect((await getPrompt(testEnv, fixture.slug, fixture.apiKey)).status).toBe(429);

    // Another workspace is untouched.
    const other = await createPublishedPrompt();
    expect((await getPrompt(testEnv, other.slug, other.apiKey)).status).toBe(200);
  });

  it("does not let a key that keeps calling past its limit use up its workspace's budget", async () => {
    const testEnv = envWith(overrides({ getPromptPerKey: { requests: 2, windowSeconds: HOUR }, getPromptPerWorkspace: { requests: 4, windowSeconds: HOUR } }));
    const fixture = await createPublishedPrompt();
    const second = await createApiKey(fixture.workspaceId, newApiKey());
    const statuses: number[] = [];
    for (let index = 0; index < 8; index++) statuses.push((await getPrompt(testEnv, fixture.slug, fixture.apiKey)).status);
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429, 429]);
    // Only the first refusal reached Redis (and counted for the workspace), so room is left.
    expect((await getPrompt(testEnv, fixture.slug, second.apiKey)).status).toBe(200);
  });

  it("lets requests through, logging once, when Redis is unreachable", async () => {
    const warnings: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((line: string) => void warnings.push(line));
    const testEnv = envWith({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", RATE_LIMIT_TIMEOUT_MS: "50" });
    const fixture = await createPublishedPrompt({ content: "Still served" });
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await getPrompt(testEnv, fixture.slug, fixture.apiKey);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ content: "Still served" });
      expect(response.headers.get("ratelimit-limit")).toBeNull();
    }
    expect(warnings.filter((line) => line.includes("rate limiter unavailable"))).toHaveLength(1);
  });

  it("answers 503 when Redis is unreachable and RATE_LIMIT_FAIL_CLOSED is set", async () => {
    const testEnv = envWith({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", RATE_LIMIT_TIMEOUT_MS: "50", RATE_LIMIT_FAIL_CLOSED: "true" });
    const fixture = await createPublishedPrompt();
    const response = await getPrompt(testEnv, fixture.slug, fixture.apiKey);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toMatchObject({ error: { code: "DEPENDENCY_UNAVAILABLE" } });
  });

  it("refuses to run with an override it cannot read, naming the setting", async () => {
    const fixture = await createPublishedPrompt();
    for (const value of ['{"getPromptPerKye":{"requests":3}}', '{"getPromptPerKey":{"requests":0}}', "600/min"]) {
      const response = await getPrompt(envWith({ RATE_LIMIT_OVERRIDES: value }), fixture.slug, fixture.apiKey);
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ error: { code: "MISCONFIGURED", message: expect.stringContaining("RATE_LIMIT_OVERRIDES") } });
    }
  });
});
