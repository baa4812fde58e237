/**
 * Workspace deletion (issue #15): the typed confirmation, who may delete (Admins of the workspace
 * only; anyone else gets 404 or 403), the workspace gone for everyone at once, its KV entries
 * removed and its keys refused by the edge's miss path, the platform-level audit row, and the
 * purge job (through its QStash route) leaving no row in any workspace-scoped table of the
 * schema, in bounded batches and safely when run again.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { and, count, eq, isNull, sql } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/pg-core";
import * as schema from "@xr2/db/schema";
import { apiKeyRecordSchema, kvKeys, newId, parseEnv, sha256Hex } from "@xr2/shared";
import { signDelivery } from "../../../../../local/qstash/signing.ts";
import { apiEnvSchema } from "../../env.ts";
import { resolveApiKey } from "../../services/api-keys/resolve-api-key.ts";
import { rebuildProjection } from "../../services/projection/rebuild-projection.ts";
import { purgeWorkspace, WORKSPACE_TABLES } from "../../services/workspaces/purge-workspace.ts";
import { sweepDeletedWorkspaces } from "../../services/workspaces/sweep-deleted-workspaces.ts";
import { call } from "../../testing/http.ts";
import { createPrompt, createVersion, withContext, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";

const testEnv = parseEnv(apiEnvSchema, env);
const NAME = "Growth team";

/** A workspace with rows in as many of its tables as the API and a few direct inserts give it. */
async function populatedWorkspace() {
  const { owner, members } = await workspaceWith("member", "viewer");
  const prompt = await createPrompt(owner, { tags: ["onboarding"] });
  const version = await createVersion(owner, prompt.id);
  const published = await owner.call("PUT", `/api/prompts/${prompt.id}/versions/${version.id}/publish`, { environment: "production" });
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  const definition = await owner.call("POST", "/api/event-definitions", { event_name: "purchase", category: "conversion", description: null, required_fields: [], optional_fields: [] });
  expect(definition.status, JSON.stringify(definition.body)).toBe(201);
  const invited = await owner.call("POST", `/api/workspaces/${owner.workspaceId}/invite`, { email: `later-${crypto.randomUUID()}@example.com`, role: "member" });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const key = await owner.call("POST", "/api/product-api-keys", { name: "web app" });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  const revoked = await owner.call("POST", "/api/product-api-keys", { name: "old app" });
  expect((await owner.call("DELETE", `/api/product-api-keys/${revoked.body!.id}`)).status).toBe(204);

  const workspaceId = owner.workspaceId;
  const hour = new Date(Date.UTC(2026, 2, 10, 9));
  await withContext(async (ctx) => {
    const db = ctx.db();
    const traceId = newId("trace");
    await db.insert(schema.exposures).values({ traceId, workspaceId, promptId: prompt.id, versionId: version.id, environment: "production", latencyMs: 3, servedAt: hour });
    await db.insert(schema.events).values({ workspaceId, eventId: newId("event"), traceId, eventName: "purchase", occurredAt: hour, promptId: prompt.id, versionId: version.id });
    await db.insert(schema.fallbackUses).values({ traceId: newId("trace"), workspaceId, slug: prompt.slug, environment: "production", servedAt: hour });
    for (const table of [schema.promptStatsHourly, schema.promptStatsDaily]) {
      await db.insert(table).values({ bucketStart: hour, workspaceId, promptId: prompt.id, versionId: version.id, environment: "production", requests: 1 });
    }
    await db.insert(schema.aggregationPendingBuckets).values({ bucketStart: hour, workspaceId }).onConflictDoNothing();
    await db.insert(schema.workspaceLimits).values({ workspaceId, name: "workspace_requests_per_month", value: 1000 });
    await db.insert(schema.llmUsage).values({ id: newId("usage"), workspaceId, provider: "openai", model: "gpt-test", latencyMs: 5, status: "success" });
  });
  return { owner, member: members[0], viewer: members[1], prompt, apiKey: key.body!.key as string };
}

async function rowsOf(workspaceId: string): Promise<Record<string, number>> {
  return withContext(async (ctx) => {
    const counts: Record<string, number> = {};
    for (const table of [...WORKSPACE_TABLES, schema.workspaces]) {
      const column = table === schema.workspaces ? sql`id` : sql`workspace_id`;
      const [row] = await ctx.db().select({ n: count() }).from(table).where(sql`${column} = ${workspaceId}`);
      counts[getTableConfig(table).name] = row!.n;
    }
    return counts;
  });
}

function kvApiKey(apiKey: string) {
  return withContext(async (ctx) => {
    const raw = await ctx.kv.get(kvKeys.apiKey(sha256Hex(apiKey)), "json");
    return raw === null ? null : apiKeyRecordSchema.parse(raw);
  });
}

async function runPurgeJob(workspaceId: string, body = JSON.stringify({ workspace_id: workspaceId })) {
  const signature = await signDelivery(testEnv.QSTASH_CURRENT_SIGNING_KEY, "http://api.test/api/jobs/purge-workspace", new TextEncoder().encode(body));
  return call("POST", "/api/jobs/purge-workspace", { rawBody: body, headers: { "upstash-signature": signature } });
}

async function renamed(owner: Actor, name: string) {
  expect((await owner.call("PATCH", `/api/workspaces/${owner.workspaceId}`, { name })).status).toBe(200);
}

describe("DELETE /api/workspaces/{workspaceId}", () => {
  it("refuses a wrong or missing name with a clear 422/400 and changes nothing", async () => {
    const { owner } = await workspaceWith();
    await renamed(owner, NAME);
    for (const confirm of ["growth team", "Growth team ", "Growth"]) {
      const response = await owner.call("DELETE", `/api/workspaces/${owner.workspaceId}`, { confirm_name: confirm });
      expect(response.status, confirm).toBe(422);
      expect(response.body!.error).toMatchObject({ code: "CONFIRMATION_MISMATCH", message: expect.stringContaining("confirm_name does not match the workspace's name") });
    }
    expect((await owner.call("DELETE", `/api/workspaces/${owner.workspaceId}`, {})).status).toBe(400);
    expect((await owner.call("DELETE", `/api/workspaces/${owner.workspaceId}`)).status).toBe(400);
    expect((await owner.call("GET", `/api/workspaces/${owner.workspaceId}`)).status).toBe(200);
  });

  it("is for the workspace's Admins: 403 for members and viewers, 404 for another workspace's Admin", async () => {
    const { owner, members } = await workspaceWith("member", "viewer");
    await renamed(owner, NAME);
    for (const person of members) {
      const response = await person.call("DELETE", `/api/workspaces/${owner.workspaceId}`, { confirm_name: NAME });
      expect(response.status).toBe(403);
    }
    const { owner: stranger } = await workspaceWith();
    const response = await stranger.call("DELETE", `/api/workspaces/${owner.workspaceId}`, { confirm_name: NAME }, stranger.workspaceId);
    expect(response.status).toBe(404);
    expect(response.body!.error.code).toBe("NOT_FOUND");
    expect((await owner.call("GET", `/api/workspaces/${owner.workspaceId}`)).status).toBe(200);
  });

  it("deletes at once: 404 for every member, gone from their lists, KV entries removed, the key refused on the edge's miss path, a platform audit row", async () => {
    const { owner, member, prompt, apiKey } = await populatedWorkspace();
    const workspaceId = owner.workspaceId;
    await renamed(owner, NAME);
    const { owner: neighbour } = await workspaceWith();
    const neighbourKey = await neighbour.call("POST", "/api/product-api-keys", { name: "kept" });
    expect(await kvApiKey(apiKey)).not.toBeNull();
    expect(await withContext((ctx) => ctx.kv.get(kvKeys.publishedPrompt(workspaceId, "production", prompt.slug)))).not.toBeNull();

    const deleted = await owner.call("DELETE", `/api/workspaces/${workspaceId}`, { confirm_name: NAME });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(202);
    // The tests' worker has no API_PUBLIC_URL, so QStash could not be told where to call the job.
    expect(deleted.body).toEqual({ id: workspaceId, name: NAME, deleted_at: expect.any(String), purge_queued: false });

    for (const person of [owner, member!]) {
      expect((await person.call("GET", `/api/workspaces/${workspaceId}`)).status).toBe(404);
      expect((await person.call("GET", "/api/prompts")).status).toBe(404);
      expect((await person.call("GET", `/api/prompts/${prompt.id}`)).status).toBe(404);
      expect((await person.call("DELETE", `/api/workspaces/${workspaceId}`, { confirm_name: NAME })).status).toBe(404);
      const list = await person.call("GET", "/api/workspaces");
      expect(list.body!.workspaces.map((workspace: { id: string }) => workspace.id)).not.toContain(workspaceId);
    }

    expect(await kvApiKey(apiKey)).toBeNull();
    await withContext(async (ctx) => {
      expect(await ctx.kv.get(kvKeys.publishedPrompt(workspaceId, "production", prompt.slug))).toBeNull();
      expect(await ctx.kv.get(kvKeys.eventDefinitions(workspaceId))).toBeNull();
      // What the edge does on a KV miss: the key stays unknown and is not written back.
      expect(await resolveApiKey({ ctx, input: { keyHash: sha256Hex(apiKey) } })).toBeNull();
      // A rebuild of the projection does not bring it back either.
      await rebuildProjection({ ctx, input: { workspaceId } });
    });
    expect(await kvApiKey(apiKey)).toBeNull();
    expect(await kvApiKey(neighbourKey.body!.key)).not.toBeNull();

    const audit = await withContext((ctx) =>
      ctx.db().select().from(schema.auditLog).where(and(isNull(schema.auditLog.workspaceId), eq(schema.auditLog.targetId, workspaceId))),
    );
    expect(audit).toEqual([
      expect.objectContaining({ action: "workspace.delete", targetType: "workspace", actorUserId: owner.session.user.id, before: expect.objectContaining({ name: NAME }), after: expect.objectContaining({ name: NAME, deleted_by: owner.session.user.id }) }),
    ]);
  });

  it("the purge job leaves no row in any workspace-scoped table of the schema, keeps the platform audit row and the neighbours' rows, and is safe to run again", async () => {
    // Every table that references workspaces is found by the purge (a new table cannot be forgotten).
    const referencing = (Object.values(schema) as unknown[])
      .filter((value): value is (typeof WORKSPACE_TABLES)[number] => typeof value === "object" && value !== null && Symbol.for("drizzle:IsDrizzleTable") in value)
      .filter((table) => getTableConfig(table).foreignKeys.some((key) => key.reference().foreignTable === schema.workspaces));
    expect(referencing.length).toBeGreaterThan(15);
    for (const table of referencing) expect(WORKSPACE_TABLES, getTableConfig(table).name).toContain(table);

    const { owner } = await populatedWorkspace();
    const neighbour = await populatedWorkspace();
    const workspaceId = owner.workspaceId;
    const before = await rowsOf(workspaceId);
    const neighbourBefore = await rowsOf(neighbour.owner.workspaceId);
    const filled = Object.entries(before).filter(([, n]) => n > 0).map(([name]) => name);
    expect(filled).toEqual(expect.arrayContaining([
      "workspaces", "workspace_members", "workspace_invitations", "prompts", "prompt_versions", "environments", "deployments", "tags", "prompt_tags",
      "api_keys", "event_definitions", "events", "exposures", "fallback_uses", "prompt_stats_hourly", "prompt_stats_daily", "aggregation_pending_buckets",
      "workspace_limits", "llm_usage", "audit_log",
    ]));

    const workspace = await owner.call("GET", `/api/workspaces/${workspaceId}`);
    expect((await owner.call("DELETE", `/api/workspaces/${workspaceId}`, { confirm_name: workspace.body!.name })).status).toBe(202);

    const first = await runPurgeJob(workspaceId);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ workspace_id: workspaceId, more: false, rows_deleted: Object.values(before).reduce((a, b) => a + b, 0) });
    const after = await rowsOf(workspaceId);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);

    // Run again (a repeated QStash delivery): nothing left, nothing fails.
    const again = await runPurgeJob(workspaceId);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ rows_deleted: 0, more: false });

    const audit = await withContext((ctx) => ctx.db().select().from(schema.auditLog).where(and(isNull(schema.auditLog.workspaceId), eq(schema.auditLog.targetId, workspaceId))));
    expect(audit).toHaveLength(1);
    expect(await rowsOf(neighbour.owner.workspaceId)).toEqual(neighbourBefore);
    expect((await neighbour.owner.call("GET", "/api/prompts")).status).toBe(200);
  });

  it("purges in bounded batches across calls, and refuses to purge a workspace that is not deleted", async () => {
    const { owner } = await populatedWorkspace();
    const workspaceId = owner.workspaceId;
    await withContext(async (ctx) => {
      await expect(purgeWorkspace({ ctx, input: { workspaceId } })).rejects.toMatchObject({ code: "CONFLICT" });
    });
    const refused = await runPurgeJob(workspaceId);
    expect(refused.status).toBe(409);
    expect((await owner.call("GET", `/api/prompts`)).status).toBe(200);

    const workspace = await owner.call("GET", `/api/workspaces/${workspaceId}`);
    expect((await owner.call("DELETE", `/api/workspaces/${workspaceId}`, { confirm_name: workspace.body!.name })).status).toBe(202);
    const reports = await withContext(async (ctx) => {
      const seen = [];
      for (let call = 0; call < 100; call++) {
        const report = await purgeWorkspace({ ctx, input: { workspaceId, rowsPerBatch: 2, batchesPerCall: 3 } });
        seen.push(report);
        if (!report.more) break;
      }
      return seen;
    });
    expect(reports.length).toBeGreaterThan(2);
    for (const report of reports) expect(report.batches).toBeLessThanOrEqual(3);
    expect(reports.at(-1)!.more).toBe(false);
    expect(Object.entries(await rowsOf(workspaceId)).filter(([, n]) => n > 0)).toEqual([]);
  });

  it("purges on the aggregation schedule a deleted workspace whose own purge job never ran", async () => {
    const { owner } = await populatedWorkspace();
    const workspaceId = owner.workspaceId;
    const workspace = await owner.call("GET", `/api/workspaces/${workspaceId}`);
    const deleted = await owner.call("DELETE", `/api/workspaces/${workspaceId}`, { confirm_name: workspace.body!.name });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(202);
    // Long ago (older than any other test's deleted workspace), and no purge ever ran.
    await withContext((ctx) => ctx.db().update(schema.workspaces).set({ deletedAt: new Date("2000-01-01T00:00:00Z") }).where(eq(schema.workspaces.id, workspaceId)));
    expect((await rowsOf(workspaceId)).workspaces).toBe(1);
    await withContext(async (ctx) => {
      for (let run = 0; run < 20; run++) {
        const report = await sweepDeletedWorkspaces({ ctx });
        if (report?.workspace_id === workspaceId && !report.more) break;
      }
    });
    expect(Object.entries(await rowsOf(workspaceId)).filter(([, n]) => n > 0)).toEqual([]);
  });

  it("refuses purge deliveries without a valid QStash signature or with a malformed body", async () => {
    const unsigned = await call("POST", "/api/jobs/purge-workspace", { body: { workspace_id: newId("workspace") } });
    expect(unsigned.status).toBe(401);
    for (const body of ["{}", "not json", JSON.stringify({ workspace_id: 5 })]) {
      const response = await runPurgeJob("", body);
      expect(response.status, body).toBe(400);
    }
    // An unknown (already purged) workspace is nothing to do.
    const unknown = await runPurgeJob(newId("workspace"));
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ rows_deleted: 0, more: false });
  });
});
