/**
 * Limits set through the management API (E3, S4) reaching the edge: a key's own rate limit chosen
 * at creation and raised later by an Admin, and a workspace's monthly get-prompt quota set and
 * raised by a platform admin. The API worker's app runs here too, on the same Postgres, Redis and
 * KV namespace as the edge (its service binding offers RPC, not fetch), so these go through the
 * routes the site uses and the same KV projection a revocation uses.
 * "Within a second": after the API answers, the edge must apply the change once its isolate
 * cache of key records (PROJECTION_CACHE, 250 ms) has expired, with no further wait.
 */
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { environments, prompts, promptVersions, users } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import { windowSecondsAwayFromBoundary } from "@xr2/shared/testing/rate-limit-window";
import { createApiApp } from "../../../api/src/app.ts";
import { DEVELOPMENT_SECRETS } from "../../../api/src/development-secrets.ts";
import { createEdgeApp } from "../app.ts";
import { database } from "../testing/fixtures.ts";
import { PROJECTION_CACHE } from "./ttl-cache.ts";

const app = createEdgeApp();
const apiApp = createApiApp();
const apiEnv = { ...env, ENVIRONMENT: "test", SITE_URL: "https://site.test", ...DEVELOPMENT_SECRETS };
/** About a minute, with its next boundary at least 30 s away (a sliding window straddling one rounds the count down). */
const MINUTE = windowSecondsAwayFromBoundary(60, 30);

async function api(method: string, path: string, opts: { token?: string; workspaceId?: string; body?: unknown } = {}) {
  const hex = crypto.randomUUID().replaceAll("-", "");
  const headers: Record<string, string> = { "cf-connecting-ip": `fd${hex.slice(0, 2)}:${hex.slice(2, 6)}:${hex.slice(6, 10)}::1` };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.workspaceId) headers["x-workspace-id"] = opts.workspaceId;
  const ctx = createExecutionContext();
  const response = await apiApp.fetch(new Request(`http://api.test${path}`, { method, headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) }), apiEnv, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, any> | null };
}

/** A registered Admin with a workspace holding one prompt published to production. */
async function workspaceWithPrompt() {
  const registered = await api("POST", "/api/auth/register", { body: { email: `limits-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Lim Its" } });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  const token = registered.body!.access_token as string;
  const created = await api("POST", "/api/workspaces", { token, body: { name: "Limits" } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const workspaceId = created.body!.id as string;
  const db = database();
  const promptId = newId("prompt");
  const versionId = newId("version");
  const slug = `limits-${promptId.slice(-10)}`;
  await db.insert(prompts).values({ id: promptId, workspaceId, slug, name: "Limits prompt" });
  await db.insert(promptVersions).values({ id: versionId, workspaceId, promptId, versionNumber: 1, kind: "text", content: "Hello", variables: [], status: "production" });
  await db.insert(environments).values({ workspaceId, promptId, environment: "production", versionId });
  return { token, userId: registered.body!.user.id as string, workspaceId, slug };
}

async function getPrompt(slug: string, key: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://edge.test/api/v1/get-prompt/${slug}?format=text`, { headers: { authorization: `Bearer ${key}` } }), { ...env, RATE_LIMIT_TIMEOUT_MS: "1000" }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Past the edge's isolate cache of key records, so the next request reads the projection again. */
const cacheExpiry = () => new Promise((resolve) => setTimeout(resolve, PROJECTION_CACHE.ttlMs + 50));

describe("a key's own rate limit", () => {
  it("refuses the sixth call of a key created with 5 per minute, and applies a raise to 100 within a second", async () => {
    const { token, workspaceId, slug } = await workspaceWithPrompt();
    const created = await api("POST", "/api/product-api-keys", { token, workspaceId, body: { name: "Tight", rate_limit: { requests: 5, window_seconds: MINUTE } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body!.rate_limit).toEqual({ requests: 5, window_seconds: MINUTE });
    const key = created.body!.key as string;

    const statuses: number[] = [];
    for (let index = 0; index < 5; index++) statuses.push((await getPrompt(slug, key)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const sixth = await getPrompt(slug, key);
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get("ratelimit-limit")).toBe("5");
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await sixth.json()).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringContaining("API key") } });

    const raised = await api("PATCH", `/api/product-api-keys/${created.body!.id}`, { token, workspaceId, body: { rate_limit: { requests: 100, window_seconds: MINUTE } } });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect(raised.body!.rate_limit).toEqual({ requests: 100, window_seconds: MINUTE });
    await cacheExpiry();
    const after = await getPrompt(slug, key);
    expect(after.status).toBe(200);
    expect(after.headers.get("ratelimit-limit")).toBe("100");
    // The five admitted calls still count against the new limit (the refused one never counted): 100 - 5 - 1.
    expect(after.headers.get("ratelimit-remaining")).toBe("94");

    // Back to the workspace's limit (the built-in default here).
    const cleared = await api("PATCH", `/api/product-api-keys/${created.body!.id}`, { token, workspaceId, body: { rate_limit: null } });
    expect(cleared.body!.rate_limit).toBeNull();
    await cacheExpiry();
    expect(Number((await getPrompt(slug, key)).headers.get("ratelimit-limit"))).toBeGreaterThan(100);
  });
});

describe("a workspace's monthly get-prompt quota", () => {
  it("answers 429 QUOTA_EXCEEDED with its reset time once used up, and a platform admin's raise lifts it within a second", async () => {
    const { token, userId, workspaceId, slug } = await workspaceWithPrompt();
    const created = await api("POST", "/api/product-api-keys", { token, workspaceId, body: { name: "Quota" } });
    const key = created.body!.key as string;
    expect((await getPrompt(slug, key)).status).toBe(200);

    // The platform admin (made one in Postgres; the console's command does the same).
    await database().update(users).set({ isPlatformAdmin: true }).where(eq(users.id, userId));
    const set = await api("PUT", `/api/admin/workspaces/${workspaceId}/limits`, { token, body: { limits: { workspace_requests_per_month: 3 } } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body!.limits).toContainEqual(expect.objectContaining({ name: "workspace_requests_per_month", value: 3, source: "workspace" }));
    await cacheExpiry();

    // One call counted before the quota was set; two more fit.
    expect((await getPrompt(slug, key)).status).toBe(200);
    expect((await getPrompt(slug, key)).status).toBe(200);
    const now = new Date();
    const refused = await getPrompt(slug, key);
    expect(refused.status).toBe(429);
    const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(Math.abs(retryAfter - (resetsAt.getTime() - now.getTime()) / 1000)).toBeLessThan(120);
    expect(await refused.json()).toMatchObject({
      error: { code: "QUOTA_EXCEEDED", details: { quota: "workspace_requests_per_month", limit: 3, used: 3, resets_at: resetsAt.toISOString() } },
    });
    // Distinct from a rate limit, and the workspace's members see the usage against it.
    const seen = await api("GET", `/api/workspaces/${workspaceId}/limits`, { token, workspaceId });
    expect(seen.body!.limits).toContainEqual(
      expect.objectContaining({ name: "workspace_requests_per_month", value: 3, source: "workspace", usage: expect.objectContaining({ used: 3, resets_at: resetsAt.toISOString() }) }),
    );

    const raisedQuota = await api("PUT", `/api/admin/workspaces/${workspaceId}/limits`, { token, body: { limits: { workspace_requests_per_month: 100 } } });
    expect(raisedQuota.status).toBe(200);
    await cacheExpiry();
    expect((await getPrompt(slug, key)).status).toBe(200);
  });

  it("counts the calls admitted on a lease when a lowered quota refuses the next one", async () => {
    const { token, userId, workspaceId, slug } = await workspaceWithPrompt();
    const key = (await api("POST", "/api/product-api-keys", { token, workspaceId, body: { name: "Leased" } })).body!.key as string;
    // One env object for every call, so they share this isolate's limiters and leases.
    const leasedEnv = { ...env, RATE_LIMIT_TIMEOUT_MS: "1000" };
    const leasedCall = async () => {
      const ctx = createExecutionContext();
      const response = await app.fetch(new Request(`http://edge.test/api/v1/get-prompt/${slug}?format=text`, { headers: { authorization: `Bearer ${key}` } }), leasedEnv, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };
    // The first call asks Redis (1 counted) and takes leases; the next four are admitted on them (owed).
    for (let index = 0; index < 5; index++) expect((await leasedCall()).status).toBe(200);

    await database().update(users).set({ isPlatformAdmin: true }).where(eq(users.id, userId));
    expect((await api("PUT", `/api/admin/workspaces/${workspaceId}/limits`, { token, body: { limits: { workspace_requests_per_month: 2 } } })).status).toBe(200);
    await cacheExpiry();
    const refused = await leasedCall();
    expect(refused.status).toBe(429);
    // The four leased calls were served, so they count, although the quota refused the sixth.
    expect(await refused.json()).toMatchObject({ error: { code: "QUOTA_EXCEEDED", details: { limit: 2, used: 5 } } });
    const seen = await api("GET", `/api/workspaces/${workspaceId}/limits`, { token, workspaceId });
    expect(seen.body!.limits).toContainEqual(expect.objectContaining({ name: "workspace_requests_per_month", usage: expect.objectContaining({ used: 5 }) }));
  });

  it("lets get-prompt through when Redis is unreachable, quota or not", async () => {
    const { token, userId, workspaceId, slug } = await workspaceWithPrompt();
    const key = (await api("POST", "/api/product-api-keys", { token, workspaceId, body: { name: "Outage" } })).body!.key as string;
    await database().update(users).set({ isPlatformAdmin: true }).where(eq(users.id, userId));
    expect((await api("PUT", `/api/admin/workspaces/${workspaceId}/limits`, { token, body: { limits: { workspace_requests_per_month: 0 } } })).status).toBe(200);
    const ctx = createExecutionContext();
    const response = await app.fetch(
      new Request(`http://edge.test/api/v1/get-prompt/${slug}?format=text`, { headers: { authorization: `Bearer ${key}` } }),
      { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", RATE_LIMIT_TIMEOUT_MS: "50" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
  });

  it("counts every get-prompt call of the month, without a quota, in the counter the API reads", async () => {
    const { token, workspaceId, slug } = await workspaceWithPrompt();
    const key = (await api("POST", "/api/product-api-keys", { token, workspaceId, body: { name: "Counted" } })).body!.key as string;
    for (let index = 0; index < 4; index++) expect((await getPrompt(slug, key)).status).toBe(200);
    const seen = await api("GET", `/api/workspaces/${workspaceId}/limits`, { token, workspaceId });
    const quota = (seen.body!.limits as Array<{ name: string }>).find((limit) => limit.name === "workspace_requests_per_month");
    // Leased admissions are reported with the next Redis call, so at least the first is counted, at most all four.
    expect(quota).toMatchObject({ value: null, source: "default", usage: { used: expect.any(Number) } });
    const used = (quota as unknown as { usage: { used: number } }).usage.used;
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThanOrEqual(4);
  });
});
