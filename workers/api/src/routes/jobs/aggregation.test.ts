/**
 * The aggregation job (A2) on real rows: exact numbers for a known set of exposures and events,
 * identical rows when it runs again (also for two QStash deliveries at once), late events and
 * late attribution counted in their own hour, no leak between workspaces, the QStash signature
 * check, the admin's forced recompute, and the idempotent schedule.
 */
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { Client } from "@upstash/qstash";
import { auditLog, events, exposures, promptStatsDaily, promptStatsHourly, users, type NewBusinessEvent, type NewExposure, type PromptStatsRow } from "@xr2/db/schema";
import { newId, parseEnv } from "@xr2/shared";
import { signDelivery } from "../../../../../local/qstash/signing.ts";
import { apiEnvSchema } from "../../env.ts";
import { call } from "../../testing/http.ts";
import { withContext, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;
// Hours of a day long gone: every row of this file is received "late" relative to them.
const DAY = Date.parse("2026-03-10T00:00:00Z");
const H1 = DAY + 9 * HOUR;
const H2 = DAY + 10 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const testEnv = parseEnv(apiEnvSchema, env);

async function platformAdmin(): Promise<Actor> {
  const { owner } = await workspaceWith();
  await withContext((ctx) => ctx.db().update(users).set({ isPlatformAdmin: true }).where(eq(users.id, owner.session.user.id)));
  return owner;
}

/**
 * Runs the job through the admin route until it reports nothing left for the workspaces of this
 * test (by default the admin's own); the reports. Other test files write exposures and events
 * into the same database meanwhile, so "nothing left" for everyone may never come.
 */
async function aggregate(admin: Actor, body: Record<string, unknown> = {}, workspaceIds = [admin.workspaceId]) {
  const reports: Array<Record<string, unknown>> = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    const response = await admin.call("POST", "/api/admin/jobs/aggregate", { ...(attempt === 0 ? body : {}), workspace_ids: workspaceIds });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    reports.push(response.body!);
    if (response.body!.more === false) return reports;
  }
  throw new Error("the aggregation still reported more after 50 calls");
}

async function insertExposures(rows: NewExposure[]) {
  await withContext((ctx) => ctx.db().insert(exposures).values(rows));
}

async function insertEvents(rows: NewBusinessEvent[]) {
  await withContext((ctx) => ctx.db().insert(events).values(rows));
}

/** Every stats row of a workspace, in key order, as the job wrote it (updated_at included). */
async function statsOf(workspaceId: string) {
  return withContext(async (ctx) => {
    const read = async (table: typeof promptStatsHourly | typeof promptStatsDaily): Promise<PromptStatsRow[]> =>
      ctx
        .db()
        .select()
        .from(table)
        .where(eq(table.workspaceId, workspaceId))
        .orderBy(asc(table.bucketStart), asc(table.promptId), asc(table.versionId), asc(table.environment), asc(table.variant));
    return { hourly: await read(promptStatsHourly), daily: await read(promptStatsDaily) };
  });
}

/** Bucket and variant of the rows that differ (in any column) between two reads, or exist in one only. */
function changedRows(before: PromptStatsRow[], after: PromptStatsRow[]) {
  const key = (row: PromptStatsRow) => `${row.bucketStart.toISOString()} '${row.variant}'`;
  const was = new Map(before.map((row) => [key(row), JSON.stringify(row)]));
  const is = new Map(after.map((row) => [key(row), JSON.stringify(row)]));
  return [...new Set([...was.keys(), ...is.keys()])].filter((name) => was.get(name) !== is.get(name)).sort();
}

/** The numbers of a stats row, keyed by bucket and variant: what the assertions compare. */
function numbers(rows: PromptStatsRow[]) {
  return Object.fromEntries(
    rows.map((row) => [
      `${row.bucketStart.toISOString()} ${row.versionId.slice(-4)} ${row.environment} '${row.variant}'`,
      [row.requests, row.errors, row.latencyP50Ms, row.latencyP95Ms, row.latencyP99Ms, row.events, row.conversions, row.tokensIn, row.tokensOut, row.costMicros],
    ]),
  );
}

/** A workspace's traffic: ten exposures in H1 (two errors), one of variant b, two in H2. */
function traffic(workspaceId: string, promptId: string, versionId: string) {
  const base = { workspaceId, promptId, versionId, environment: "production" as const };
  const h1 = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((latencyMs, index) => ({
    ...base,
    traceId: newId("trace"),
    latencyMs,
    status: latencyMs >= 90 ? ("error" as const) : ("success" as const),
    servedAt: new Date(H1 + index * MINUTE),
  }));
  const variantB = { ...base, traceId: newId("trace"), variant: "b", latencyMs: 7, servedAt: new Date(H1 + 15 * MINUTE) };
  const h2 = [5, 6].map((latencyMs, index) => ({ ...base, traceId: newId("trace"), latencyMs, servedAt: new Date(H2 + index * MINUTE) }));
  return { h1, variantB, h2, all: [...h1, variantB, ...h2] };
}

function event(workspaceId: string, traceId: string, occurredAt: number, category: string | null, fields: Record<string, string | number> = {}): NewBusinessEvent {
  return { workspaceId, eventId: newId("event"), traceId, eventName: category === "conversion" ? "purchase" : "click", category, fields, occurredAt: new Date(occurredAt) };
}

/** A delivery as QStash makes it: signed for `url` over the raw body. */
async function deliver(opts: { key?: string; url?: string; body?: string; signature?: string | null; env?: Record<string, unknown> } = {}) {
  const body = opts.body ?? "";
  const signature = opts.signature === undefined ? await signDelivery(opts.key ?? testEnv.QSTASH_CURRENT_SIGNING_KEY, opts.url ?? "http://api.test/api/jobs/aggregate", new TextEncoder().encode(body)) : opts.signature;
  return call("POST", "/api/jobs/aggregate", { rawBody: body, headers: signature === null ? {} : { "upstash-signature": signature }, ...(opts.env ? { env: opts.env } : {}) });
}

describe("aggregation into hourly and daily stats", () => {
  it("computes exact numbers, gives identical rows when run again, and counts late events and late attribution in their own hour", async () => {
    const admin = await platformAdmin();
    const { owner: other } = await workspaceWith();
    const promptId = newId("prompt");
    const v1 = newId("version");
    const mine = traffic(admin.workspaceId, promptId, v1);
    // The other workspace uses the same prompt and version ids, so only the workspace keeps them apart.
    const theirs = traffic(other.workspaceId, promptId, v1);
    await insertExposures([...mine.all, ...theirs.all.map((row) => ({ ...row, latencyMs: 1_000 }))]);
    await insertEvents([
      event(admin.workspaceId, mine.h1[0]!.traceId, H1 + 30 * MINUTE, "conversion", { tokens_in: 100, tokens_out: 20, cost_usd: 0.0015 }),
      // Text and negative usage are not numbers to add up.
      event(admin.workspaceId, mine.h1[1]!.traceId, H1 + 40 * MINUTE, "engagement", { tokens_in: "50", tokens_out: -5 }),
      // A conversion an hour after its variant-b exposure counts in the hour it happened.
      event(admin.workspaceId, mine.variantB.traceId, H2 + 5 * MINUTE, "conversion"),
      // No exposure with this trace in this workspace: nothing to attribute it to.
      event(admin.workspaceId, newId("trace"), H1 + 5 * MINUTE, "conversion"),
      event(admin.workspaceId, theirs.h1[0]!.traceId, H1 + 5 * MINUTE, "conversion"),
      event(other.workspaceId, theirs.h1[0]!.traceId, H1 + 5 * MINUTE, "conversion", { tokens_in: 7 }),
    ]);

    await aggregate(admin, {}, [admin.workspaceId, other.workspaceId]);
    const first = await statsOf(admin.workspaceId);
    const v = v1.slice(-4);
    // p50 of 10…100 is 55; p95 interpolates 95.5 → 96; p99 99.1 → 99. Over the day (5, 6, 10…100): 45, 94.5 → 95, 98.9 → 99.
    const expectedHourly = {
      [`${iso(H1)} ${v} production ''`]: [10, 2, 55, 96, 99, 2, 1, 100, 20, 1_500],
      [`${iso(H1)} ${v} production 'b'`]: [1, 0, 7, 7, 7, 0, 0, 0, 0, 0],
      [`${iso(H2)} ${v} production ''`]: [2, 0, 6, 6, 6, 0, 0, 0, 0, 0],
      [`${iso(H2)} ${v} production 'b'`]: [0, 0, null, null, null, 1, 1, 0, 0, 0],
    };
    const expectedDaily = {
      [`${iso(DAY)} ${v} production ''`]: [12, 2, 45, 95, 99, 2, 1, 100, 20, 1_500],
      [`${iso(DAY)} ${v} production 'b'`]: [1, 0, 7, 7, 7, 1, 1, 0, 0, 0],
    };
    expect(numbers(first.hourly)).toEqual(expectedHourly);
    expect(numbers(first.daily)).toEqual(expectedDaily);
    const theirStats = await statsOf(other.workspaceId);
    expect(numbers(theirStats.hourly)[`${iso(H1)} ${v} production ''`]).toEqual([10, 2, 1_000, 1_000, 1_000, 1, 1, 7, 0, 0]);

    // Again: nothing changes, not even updated_at.
    await aggregate(admin, {}, [admin.workspaceId, other.workspaceId]);
    expect(await statsOf(admin.workspaceId)).toEqual(first);

    // A late conversion in H1 (received now): only H1's row and its day move.
    await insertEvents([event(admin.workspaceId, mine.h1[2]!.traceId, H1 + 50 * MINUTE, "conversion")]);
    await aggregate(admin, {}, [admin.workspaceId, other.workspaceId]);
    const late = await statsOf(admin.workspaceId);
    expect(changedRows(first.hourly, late.hourly)).toEqual([`${iso(H1)} ''`]);
    expect(changedRows(first.daily, late.daily)).toEqual([`${iso(DAY)} ''`]);
    expect(numbers(late.hourly)[`${iso(H1)} ${v} production ''`]).toEqual([10, 2, 55, 96, 99, 3, 2, 100, 20, 1_500]);
    expect(numbers(late.daily)[`${iso(DAY)} ${v} production ''`]).toEqual([12, 2, 45, 95, 99, 3, 2, 100, 20, 1_500]);

    // An event whose exposure has not arrived yet is not counted; once the exposure arrives, it is.
    const lateTrace = newId("trace");
    await insertEvents([event(admin.workspaceId, lateTrace, H2 + 10 * MINUTE, "conversion")]);
    await aggregate(admin, {}, [admin.workspaceId, other.workspaceId]);
    expect(await statsOf(admin.workspaceId)).toEqual(late);
    await insertExposures([{ traceId: lateTrace, workspaceId: admin.workspaceId, promptId, versionId: v1, environment: "production", latencyMs: 8, servedAt: new Date(H2 + 9 * MINUTE) }]);
    await aggregate(admin, {}, [admin.workspaceId, other.workspaceId]);
    const attributed = await statsOf(admin.workspaceId);
    expect(changedRows(late.hourly, attributed.hourly)).toEqual([`${iso(H2)} ''`]);
    // H2 latencies 5, 6, 8: p50 6, p95 7.8 → 8, p99 7.96 → 8.
    expect(numbers(attributed.hourly)[`${iso(H2)} ${v} production ''`]).toEqual([3, 0, 6, 8, 8, 1, 1, 0, 0, 0]);
    expect(numbers(attributed.daily)[`${iso(DAY)} ${v} production ''`]![5]).toBe(4);

    // The other workspace never saw any of it.
    expect(await statsOf(other.workspaceId)).toEqual(theirStats);
  });

  it("recomputes a forced range from the raw rows, also rows loaded behind its back, removing stats no row backs any more", async () => {
    const admin = await platformAdmin();
    await aggregate(admin);
    const promptId = newId("prompt");
    const v1 = newId("version");
    const mine = traffic(admin.workspaceId, promptId, v1);
    // A backfill: rows stamped as received a day ago, long behind the job's watermark.
    const receivedAt = new Date(Date.now() - 24 * HOUR);
    await insertExposures(mine.all.map((row) => ({ ...row, receivedAt })));
    await insertEvents([{ ...event(admin.workspaceId, mine.variantB.traceId, H2 + 5 * MINUTE, "conversion"), receivedAt }]);
    await aggregate(admin);
    expect(await statsOf(admin.workspaceId)).toEqual({ hourly: [], daily: [] });

    const range = { from: iso(H1), to: iso(H2 + HOUR) };
    await aggregate(admin, range);
    const before = await statsOf(admin.workspaceId);
    expect(before.hourly.map((row) => [row.bucketStart.toISOString(), row.variant, row.requests, row.events])).toEqual([
      [iso(H1), "", 10, 0],
      [iso(H1), "b", 1, 0],
      [iso(H2), "", 2, 0],
      [iso(H2), "b", 0, 1],
    ]);

    // Raw rows deleted (an erasure, say): the range's stats follow, rows nothing backs go away.
    await withContext((ctx) => ctx.db().delete(exposures).where(and(eq(exposures.workspaceId, admin.workspaceId), eq(exposures.traceId, mine.variantB.traceId))));
    await aggregate(admin, range);
    const after = await statsOf(admin.workspaceId);
    expect(after.hourly).toEqual(before.hourly.filter((row) => row.variant === ""));
    expect(after.daily.map((row) => [row.variant, row.requests, row.events])).toEqual([["", 12, 0]]);

    const audited = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.actorUserId, admin.session.user.id), eq(auditLog.action, "stats.aggregate"))));
    const scope = { workspace_ids: [admin.workspaceId] };
    expect(audited.map((row) => row.after)).toEqual(expect.arrayContaining([scope, { ...range, ...scope }]));
  });

  it("refuses bad ranges with 400", async () => {
    const admin = await platformAdmin();
    const cases = [
      { from: iso(H2), to: iso(H1) },
      { from: iso(DAY - 40 * 24 * HOUR), to: iso(DAY) },
      { from: "yesterday" },
      { from: iso(H1), workspace_id: admin.workspaceId },
    ];
    for (const body of cases) {
      const response = await admin.call("POST", "/api/admin/jobs/aggregate", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body!.error.code).toBe("VALIDATION_FAILED");
    }
  });
});

describe("POST /api/jobs/aggregate (QStash's target)", () => {
  it("answers 401 to a missing, garbage or forged signature, and to one made for another URL or body", async () => {
    const refused = [
      await deliver({ signature: null }),
      await deliver({ signature: "not-a-jwt" }),
      await deliver({ key: "sig_not_our_signing_key_at_all" }),
      await deliver({ url: "http://api.test/api/jobs/something-else" }),
      await call("POST", "/api/jobs/aggregate", {
        rawBody: '{"changed":true}',
        headers: { "upstash-signature": await signDelivery(testEnv.QSTASH_CURRENT_SIGNING_KEY, "http://api.test/api/jobs/aggregate", new TextEncoder().encode("{}")) },
      }),
    ];
    for (const response of refused) {
      expect(response.status, JSON.stringify(response.body)).toBe(401);
      expect(response.body!.error.code).toBe("UNAUTHENTICATED");
    }
  });

  it("accepts deliveries signed with the current or the next key, for API_PUBLIC_URL when it is set", async () => {
    expect((await deliver()).status).toBe(200);
    expect((await deliver({ key: testEnv.QSTASH_NEXT_SIGNING_KEY })).status).toBe(200);
    const env = { API_PUBLIC_URL: "https://api.example.test" };
    expect((await deliver({ env, url: "https://api.example.test/api/jobs/aggregate" })).status).toBe(200);
    expect((await deliver({ env })).status).toBe(401);
  });

  it("recomputes only the named workspaces when asked to, leaving the others for the next run", async () => {
    const admin = await platformAdmin();
    const { owner: other } = await workspaceWith();
    const promptId = newId("prompt");
    const v1 = newId("version");
    await insertExposures([...traffic(admin.workspaceId, promptId, v1).all, ...traffic(other.workspaceId, promptId, v1).all]);
    await aggregate(admin);
    expect((await statsOf(admin.workspaceId)).hourly.length).toBeGreaterThan(0);
    expect((await statsOf(other.workspaceId)).hourly).toEqual([]);
    await aggregate(admin, {}, [other.workspaceId]);
    expect((await statsOf(other.workspaceId)).hourly.length).toBeGreaterThan(0);
  });

  it("gives the same stats when QStash delivers twice, even at the same time", async () => {
    const admin = await platformAdmin();
    const promptId = newId("prompt");
    const v1 = newId("version");
    const mine = traffic(admin.workspaceId, promptId, v1);
    await insertExposures(mine.all);
    await insertEvents([event(admin.workspaceId, mine.h1[0]!.traceId, H1 + 30 * MINUTE, "conversion", { tokens_in: 100, tokens_out: 20, cost_usd: 0.0015 })]);

    const [first, second] = await Promise.all([deliver(), deliver()]);
    expect([first.status, second.status]).toEqual([200, 200]);
    // Whatever other tests left behind may need more runs; the stats of this workspace must be final.
    await aggregate(admin);
    const once = await statsOf(admin.workspaceId);
    expect(numbers(once.hourly)[`${iso(H1)} ${v1.slice(-4)} production ''`]).toEqual([10, 2, 55, 96, 99, 1, 1, 100, 20, 1_500]);
    const [third, fourth] = await Promise.all([deliver(), deliver()]);
    expect([third.status, fourth.status]).toEqual([200, 200]);
    expect(await statsOf(admin.workspaceId)).toEqual(once);
  });
});

describe("POST /api/admin/jobs/schedule", () => {
  const client = () => new Client({ baseUrl: testEnv.QSTASH_URL, token: testEnv.QSTASH_TOKEN, devMode: false, enableTelemetry: false });
  afterAll(async () => {
    // The schedule would otherwise fire at the unreachable example URL for the rest of the run.
    await client().schedules.delete("xr2-aggregate").catch(() => {});
  });

  it("registers one schedule however often it is called, and needs API_PUBLIC_URL and a reachable QStash", async () => {
    const admin = await platformAdmin();
    const as = { token: admin.session.access_token };
    const env = { API_PUBLIC_URL: "https://api.example.test" };
    const missing = await call("POST", "/api/admin/jobs/schedule", as);
    expect(missing.status).toBe(500);
    expect(missing.body!.error.code).toBe("MISCONFIGURED");

    for (let time = 0; time < 2; time++) {
      const registered = await call("POST", "/api/admin/jobs/schedule", { ...as, env });
      expect(registered.status, JSON.stringify(registered.body)).toBe(200);
      expect(registered.body).toEqual({ schedule_id: "xr2-aggregate", destination: "https://api.example.test/api/jobs/aggregate", cron: "*/5 * * * *" });
    }
    const schedules = (await client().schedules.list()).filter((schedule) => schedule.destination.endsWith("/api/jobs/aggregate"));
    expect(schedules.map((schedule) => [schedule.scheduleId, schedule.destination, schedule.cron, schedule.method])).toEqual([
      ["xr2-aggregate", "https://api.example.test/api/jobs/aggregate", "*/5 * * * *", "POST"],
    ]);

    const unreachable = await call("POST", "/api/admin/jobs/schedule", { ...as, env: { ...env, QSTASH_URL: "http://127.0.0.1:9" } });
    expect(unreachable.status).toBe(503);
    expect(unreachable.body!.error.code).toBe("DEPENDENCY_UNAVAILABLE");

    const audited = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.actorUserId, admin.session.user.id), eq(auditLog.action, "stats.schedule"))));
    expect(audited).toHaveLength(2);
  });
});
