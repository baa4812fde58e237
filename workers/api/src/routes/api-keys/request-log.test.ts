/** GET /api/product-api-keys/{keyId}/requests and the request log's retention. */
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { apiRequestLog, REQUEST_LOG_RETENTION_DAYS } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import { testContext } from "../../testing/fixtures.ts";
import { call, createTeam, type TestSession } from "../../testing/http.ts";
import { pruneRequestLog } from "../../services/request-log/prune-request-log.ts";

type Entry = { id: string; status: number; route: string; slug: string | null; trace_id: string | null; error_code: string | null; key_prefix: string; source: string; received_at: string };

async function createKey(session: TestSession, workspaceId: string) {
  const created = await call("POST", "/api/product-api-keys", { token: session.access_token, workspaceId, body: { name: "logged" } });
  expect(created.status).toBe(201);
  return created.body as { id: string; prefix: string };
}

/** Rows as the consumer writes them, at chosen instants. */
async function insertRows(workspaceId: string, key: { id: string; prefix: string }, rows: Array<{ status: number; at: Date; slug?: string; route?: string; errorCode?: string; traceId?: string; source?: string }>) {
  const ctx = testContext();
  const values = rows.map((row) => ({
    id: newId("requestLog"),
    workspaceId,
    apiKeyId: key.id,
    keyPrefix: key.prefix,
    method: "GET",
    route: row.route ?? "/api/v1/get-prompt/:slug",
    slug: row.slug ?? "welcome",
    status: row.status,
    latencyMs: 1.5,
    errorCode: row.errorCode ?? null,
    source: row.source ?? "http",
    client: "curl",
    userAgent: "curl/8",
    traceId: row.traceId ?? null,
    requestId: newId("request"),
    receivedAt: row.at,
  }));
  await ctx.http().insert(apiRequestLog).values(values);
  return values;
}

async function page(session: TestSession, workspaceId: string, keyId: string, query = "") {
  const response = await call("GET", `/api/product-api-keys/${keyId}/requests${query ? `?${query}` : ""}`, { token: session.access_token, workspaceId });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { requests: Entry[]; next_cursor: string | null; retention_days: number };
}

describe("GET /api/product-api-keys/{keyId}/requests", () => {
  it("lists the key's requests newest first, filtered by status, class, route, slug, trace id, error code, source and time", async () => {
    const { owner, workspace } = await createTeam([]);
    const key = await createKey(owner, workspace.id);
    const other = await createKey(owner, workspace.id);
    const base = Date.now() - 3600_000;
    const at = (minutes: number) => new Date(base + minutes * 60_000);
    const rows = await insertRows(workspace.id, key, [
      { status: 200, at: at(0), traceId: "tr_ok", source: "sdk" },
      { status: 400, at: at(1), errorCode: "VALIDATION_FAILED", traceId: "tr_bad", slug: "checkout" },
      { status: 401, at: at(2), errorCode: "UNAUTHENTICATED" },
      { status: 429, at: at(3), errorCode: "RATE_LIMITED" },
      { status: 202, at: at(4), route: "/api/v1/events", slug: undefined },
    ]);
    await insertRows(workspace.id, other, [{ status: 500, at: at(5) }]);

    const all = await page(owner, workspace.id, key.id);
    expect(all.requests.map((entry) => entry.id)).toEqual(rows.map((row) => row.id).reverse());
    expect(all.retention_days).toBe(REQUEST_LOG_RETENTION_DAYS);
    expect(all.requests[2]).toMatchObject({ status: 401, error_code: "UNAUTHENTICATED", key_prefix: key.prefix, route: "/api/v1/get-prompt/:slug" });

    const ids = async (query: string) => (await page(owner, workspace.id, key.id, query)).requests.map((entry) => entry.id);
    expect(await ids("status=401")).toEqual([rows[2]!.id]);
    expect(await ids("status=4xx")).toEqual([rows[3]!.id, rows[2]!.id, rows[1]!.id]);
    expect(await ids(`route=${encodeURIComponent("/api/v1/events")}`)).toEqual([rows[4]!.id]);
    expect(await ids("slug=checkout")).toEqual([rows[1]!.id]);
    expect(await ids("trace_id=tr_bad")).toEqual([rows[1]!.id]);
    expect(await ids("error_code=RATE_LIMITED")).toEqual([rows[3]!.id]);
    expect(await ids("source=sdk")).toEqual([rows[0]!.id]);
    expect(await ids(`from=${encodeURIComponent(at(1).toISOString())}&to=${encodeURIComponent(at(3).toISOString())}`)).toEqual([rows[2]!.id, rows[1]!.id]);
  });

  it("pages with a cursor, without repeats or gaps", async () => {
    const { owner, workspace } = await createTeam([]);
    const key = await createKey(owner, workspace.id);
    const instant = new Date(Date.now() - 60_000);
    const rows = await insertRows(workspace.id, key, Array.from({ length: 5 }, () => ({ status: 200, at: instant })));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const next: Awaited<ReturnType<typeof page>> = await page(owner, workspace.id, key.id, `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...next.requests.map((entry) => entry.id));
      cursor = next.next_cursor;
    } while (cursor);
    expect(seen).toEqual(rows.map((row) => row.id).sort().reverse());
  });

  it("is the workspace's own: another workspace's key is 404, members are refused, bad queries are 400", async () => {
    const { owner, workspace, members } = await createTeam(["member"]);
    const key = await createKey(owner, workspace.id);
    const stranger = await createTeam([]);
    const theirs = await createKey(stranger.owner, stranger.workspace.id);
    expect((await call("GET", `/api/product-api-keys/${theirs.id}/requests`, { token: owner.access_token, workspaceId: workspace.id })).status).toBe(404);
    expect((await call("GET", `/api/product-api-keys/${key.id}/requests`, { token: stranger.owner.access_token, workspaceId: stranger.workspace.id })).status).toBe(404);
    expect((await call("GET", `/api/product-api-keys/${key.id}/requests`, { token: members[0]!.access_token, workspaceId: workspace.id })).status).toBe(403);
    expect((await call("GET", `/api/product-api-keys/${key.id}/requests`)).status).toBe(401);
    await insertRows(stranger.workspace.id, theirs, [{ status: 200, at: new Date() }, { status: 200, at: new Date() }]);
    const theirCursor = (await page(stranger.owner, stranger.workspace.id, theirs.id, "limit=1")).next_cursor!;
    for (const query of ["status=99", "status=6xx", "status=abc", "limit=0", "limit=201", "from=yesterday", "unknown=1", "source=grpc", `cursor=${encodeURIComponent(theirCursor)}`, "cursor=garbage"]) {
      const response = await call("GET", `/api/product-api-keys/${key.id}/requests?${query}`, { token: owner.access_token, workspaceId: workspace.id });
      expect(response.status, query).toBe(400);
      expect(response.body).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
  });
});

describe("request log retention", () => {
  it(`deletes rows older than ${REQUEST_LOG_RETENTION_DAYS} days and keeps the others`, async () => {
    const { owner, workspace } = await createTeam([]);
    const key = await createKey(owner, workspace.id);
    const day = 86_400_000;
    const [old, recent] = await insertRows(workspace.id, key, [
      { status: 200, at: new Date(Date.now() - (REQUEST_LOG_RETENTION_DAYS + 1) * day) },
      { status: 200, at: new Date(Date.now() - (REQUEST_LOG_RETENTION_DAYS - 1) * day) },
    ]);
    const ctx = testContext();
    const { deleted } = await pruneRequestLog({ ctx });
    expect(deleted).toBeGreaterThanOrEqual(1);
    const left = await ctx.http().select({ id: apiRequestLog.id }).from(apiRequestLog).where(eq(apiRequestLog.apiKeyId, key.id));
    expect(left.map((row) => row.id)).toEqual([recent!.id]);
    expect(old!.id).not.toBe(recent!.id);
  });
});
