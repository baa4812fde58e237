/**
 * The Product API request log, from the edge to Postgres: every request made with a known key —
 * served, refused for its values, refused for a revoked or expired key — becomes a row of the
 * key's log through the events queue and the API worker's consumer, with the key's prefix only.
 */
import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { and, eq, inArray } from "drizzle-orm";
import { apiKeys, apiRequestLog, exposures } from "@xr2/db/schema";
import { createApiKey, createPublishedPrompt, database, newApiKey, pollUntil } from "../testing/fixtures.ts";
import { clientFamily } from "./request-log.ts";

function getPrompt(slug: string, key: string, query = "", headers: Record<string, string> = {}) {
  return exports.default.fetch(`http://edge.test/api/v1/get-prompt/${slug}${query}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
}

async function logOf(keyIds: string[], atLeast: number) {
  return pollUntil(() => database().select().from(apiRequestLog).where(inArray(apiRequestLog.apiKeyId, keyIds)), (rows) => rows.length >= atLeast, 10_000);
}

describe("request log", () => {
  it("records a get-prompt refused for its variables and a 401 of a revoked and of an expired key in the key's log", async () => {
    const fixture = await createPublishedPrompt({ content: "Welcome to {product}", variables: [{ name: "product", type: "string", required: true }] });
    const revoked = await createApiKey(fixture.workspaceId, newApiKey());
    await database().update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, revoked.keyId));
    const expired = await createApiKey(fixture.workspaceId, newApiKey(), { expiresAt: new Date(Date.now() - 60_000) });

    const served = await getPrompt(fixture.slug, fixture.apiKey, "?var.product=xR2&source=checkout", { "user-agent": "xr2-python/0.3.0" });
    expect(served.status).toBe(200);
    const refused = await getPrompt(fixture.slug, fixture.apiKey, "", { "user-agent": "curl/8.5.0" });
    expect(refused.status).toBe(400);
    expect((await getPrompt(fixture.slug, revoked.apiKey)).status).toBe(401);
    expect((await getPrompt(fixture.slug, expired.apiKey)).status).toBe(401);

    const rows = await logOf([fixture.keyId, revoked.keyId, expired.keyId], 4);
    expect(rows).toHaveLength(4);
    const [failedExposure] = await pollUntil(
      () => database().select().from(exposures).where(and(eq(exposures.promptId, fixture.promptId), eq(exposures.status, "error"))),
      (found) => found.length > 0,
    );
    const own = rows.filter((row) => row.apiKeyId === fixture.keyId);
    expect(own.find((row) => row.status === 400)).toMatchObject({
      workspaceId: fixture.workspaceId,
      keyPrefix: fixture.apiKey.slice(0, 12),
      method: "GET",
      route: "/api/v1/get-prompt/:slug",
      slug: fixture.slug,
      errorCode: "VALIDATION_FAILED",
      source: "http",
      client: "curl",
      // The trace id of the failed exposure: the log leads to the stats' error.
      traceId: failedExposure!.traceId,
    });
    expect(own.find((row) => row.status === 200)).toMatchObject({ errorCode: null, source: "sdk", client: "sdk-python", userAgent: "xr2-python/0.3.0", traceId: served.headers.get("x-trace-id") });
    for (const key of [revoked, expired]) {
      expect(rows.find((row) => row.apiKeyId === key.keyId)).toMatchObject({
        workspaceId: fixture.workspaceId,
        status: 401,
        errorCode: "UNAUTHENTICATED",
        keyPrefix: key.apiKey.slice(0, 12),
        route: "/api/v1/get-prompt/:slug",
        traceId: null,
      });
    }
    for (const row of rows) expect(row.latencyMs).toBeGreaterThanOrEqual(0);
    // Only prefixes: no key appears anywhere in the log.
    const stored = JSON.stringify(rows);
    for (const key of [fixture.apiKey, revoked.apiKey, expired.apiKey]) expect(stored).not.toContain(key);
  });

  it("records other Product API routes too: a key without the events scope refused with 403", async () => {
    const fixture = await createPublishedPrompt({ scopes: ["prompts:read"] });
    const events = await exports.default.fetch("http://edge.test/api/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${fixture.apiKey}` },
      body: JSON.stringify({ trace_id: "tr_whatever", event_name: "signup" }),
    });
    expect(events.status).toBe(403);
    const [row] = await logOf([fixture.keyId], 1);
    expect(row).toMatchObject({ method: "POST", route: "/api/v1/events", status: 403, errorCode: "FORBIDDEN", slug: null });
  });

  it("names the client's family from its user agent", () => {
    expect(clientFamily(null)).toBe("none");
    expect(clientFamily("xr2-python/0.3.0")).toBe("sdk-python");
    expect(clientFamily("curl/8.5.0")).toBe("curl");
    expect(clientFamily("python-requests/2.31")).toBe("python");
    expect(clientFamily("node")).toBe("node");
    expect(clientFamily("Mozilla/5.0 (X11; Linux x86_64)")).toBe("browser");
    expect(clientFamily("Go-http-client/1.1")).toBe("other");
  });
});
