import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { events, llmUsage, promptStatsDaily, users } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import { addPrompt, testContext } from "../../testing/fixtures.ts";
import { download, parseCsv } from "../analytics/analytics-test-support.ts";
import { call, createTeam, registerUser, type TestSession } from "../../testing/http.ts";

async function platformAdmin(): Promise<TestSession> {
  const admin = await registerUser();
  const ctx = testContext();
  await ctx.db().update(users).set({ isPlatformAdmin: true }).where(eq(users.id, admin.user.id));
  await ctx.dispose();
  return admin;
}

const as = (session: TestSession) => ({ token: session.access_token });
const DAY_MS = 86_400_000;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/** Usage planted in a workspace: stats on two days, events received and LLM calls made on given instants. */
async function plantUsage(workspaceId: string, at: { day1: number; day2: number }) {
  const ctx = testContext();
  try {
    // One prompt per stats row, so that both may fall on the same day.
    const prompts = [await addPrompt(ctx, workspaceId, ["Hi"]), await addPrompt(ctx, workspaceId, ["Hello"])];
    const stats = (bucket: number, requests: number, costMicros: number, prompt: { promptId: string; versionIds: string[] }) => ({
      bucketStart: new Date(`${isoDay(bucket)}T00:00:00Z`),
      workspaceId,
      promptId: prompt.promptId,
      versionId: prompt.versionIds[0]!,
      environment: "production" as const,
      requests,
      costMicros,
    });
    await ctx.db().insert(promptStatsDaily).values([stats(at.day1, 7, 1000, prompts[0]!), stats(at.day2, 3, 0, prompts[1]!)]);
    const event = (receivedAt: number) => ({ workspaceId, eventId: newId("event"), traceId: newId("trace"), eventName: "signup", occurredAt: new Date(receivedAt), receivedAt: new Date(receivedAt) });
    await ctx.db().insert(events).values([event(at.day1), event(at.day1 + 1000), event(at.day2)]);
    await ctx.db().insert(llmUsage).values({ id: newId("usage"), workspaceId, provider: "openai", model: "gpt-4o", costMicros: 2500, latencyMs: 10, status: "success", createdAt: new Date(at.day2) });
  } finally {
    await ctx.dispose();
  }
}

describe("admin: workspaces and usage", () => {
  it("lists workspaces searched by name, id or owner e-mail, and shows one with members and this month's usage", async () => {
    const admin = await platformAdmin();
    const { owner, workspace, members } = await createTeam(["viewer"]);
    const now = Date.now();
    const monthStart = Date.parse(`${isoDay(now).slice(0, 7)}-01T00:00:00Z`);
    await plantUsage(workspace.id, { day1: monthStart + 3600_000, day2: now - 1000 });
    // Last month's usage is not this month's.
    await plantUsage(workspace.id, { day1: monthStart - 2 * DAY_MS, day2: monthStart - DAY_MS });

    for (const q of [owner.user.email.toUpperCase(), workspace.id]) {
      const found = await call("GET", `/api/admin/workspaces?q=${encodeURIComponent(q)}`, as(admin));
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      expect(found.body!.workspaces).toEqual([{ id: workspace.id, name: "Growth team", owner: owner.user, member_count: 2, created_at: expect.any(String) }]);
    }
    await createTeam([]);
    const page = await call("GET", "/api/admin/workspaces?limit=1", as(admin));
    expect(page.body!.workspaces).toHaveLength(1);
    const next = await call("GET", `/api/admin/workspaces?limit=1&cursor=${page.body!.next_cursor}`, as(admin));
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect(next.body!.workspaces[0].id).not.toBe(page.body!.workspaces[0].id);

    const detail = await call("GET", `/api/admin/workspaces/${workspace.id}`, as(admin));
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    expect(detail.body).toMatchObject({ id: workspace.id, owner: owner.user, prompt_count: 4, api_key_count: 0 });
    expect(detail.body!.members).toEqual([
      { user_id: owner.user.id, email: owner.user.email, name: owner.user.name, role: "admin", is_owner: true, joined_at: expect.any(String), disabled_at: null },
      { user_id: members[0]!.user.id, email: members[0]!.user.email, name: members[0]!.user.name, role: "viewer", is_owner: false, joined_at: expect.any(String), disabled_at: null },
    ]);
    const sameDay = isoDay(monthStart + 3600_000) === isoDay(now - 1000);
    expect(detail.body!.usage_this_month).toEqual({ from: isoDay(monthStart), requests: sameDay ? 7 : 10, events: 3, llm_requests: 1, llm_cost_micros: 2500, reported_cost_micros: 1000 });

    expect((await call("GET", `/api/admin/workspaces/${newId("workspace")}`, as(admin))).status).toBe(404);
    expect((await call("GET", `/api/admin/workspaces/${workspace.id}`, as(owner))).status).toBe(403);
  });

  it("reports usage per workspace per day across workspaces, as JSON and CSV", async () => {
    const admin = await platformAdmin();
    const [first, second] = [await createTeam([]), await createTeam([])];
    // Days in the past, well inside the range, one workspace busier than the other.
    const day1 = Date.parse("2025-06-10T10:00:00Z");
    const day2 = Date.parse("2025-06-12T23:59:00Z");
    await plantUsage(first.workspace.id, { day1, day2 });
    await plantUsage(second.workspace.id, { day1: day2, day2 });

    const usage = await call("GET", "/api/admin/usage?from=2025-06-01&to=2025-06-30", as(admin));
    expect(usage.status, JSON.stringify(usage.body)).toBe(200);
    const mine = (usage.body!.days as Array<{ workspace_id: string }>).filter((row) => [first.workspace.id, second.workspace.id].includes(row.workspace_id));
    expect(mine).toEqual(
      [
        { day: "2025-06-10", workspace_id: first.workspace.id, workspace_name: "Growth team", requests: 7, events: 2, llm_requests: 0, llm_cost_micros: 0, reported_cost_micros: 1000 },
        { day: "2025-06-12", workspace_id: first.workspace.id, workspace_name: "Growth team", requests: 3, events: 1, llm_requests: 1, llm_cost_micros: 2500, reported_cost_micros: 0 },
        // Both stats rows of the second workspace fall on the same day.
        { day: "2025-06-12", workspace_id: second.workspace.id, workspace_name: "Growth team", requests: 10, events: 3, llm_requests: 1, llm_cost_micros: 2500, reported_cost_micros: 1000 },
      ].sort((a, b) => a.day.localeCompare(b.day) || a.workspace_id.localeCompare(b.workspace_id)),
    );
    expect(usage.body!.workspaces.find((row: { workspace_id: string }) => row.workspace_id === first.workspace.id)).toEqual({
      workspace_id: first.workspace.id,
      workspace_name: "Growth team",
      requests: 10,
      events: 3,
      llm_requests: 1,
      llm_cost_micros: 2500,
      reported_cost_micros: 1000,
    });

    const one = await call("GET", `/api/admin/usage?from=2025-06-12&to=2025-06-12&workspace_id=${second.workspace.id}`, as(admin));
    expect(one.body!.days.map((row: { workspace_id: string }) => row.workspace_id)).toEqual([second.workspace.id]);

    const csv = await download({ session: admin, workspaceId: first.workspace.id, call: () => Promise.reject(new Error("unused")) }, `/api/admin/usage?from=2025-06-01&to=2025-06-30&workspace_id=${first.workspace.id}&format=csv`);
    expect(csv.status, csv.text).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(parseCsv(csv.text)).toEqual([
      ["day", "workspace_id", "workspace_name", "requests", "events", "llm_requests", "llm_cost_micros", "reported_cost_micros"],
      ["2025-06-10", first.workspace.id, "Growth team", "7", "2", "0", "0", "1000"],
      ["2025-06-12", first.workspace.id, "Growth team", "3", "1", "1", "2500", "0"],
    ]);
    for (const query of ["from=2025-06-30&to=2025-06-01", "from=2020-01-01&to=2025-01-01", "from=yesterday", "unknown=1", "from=0000-01-01&to=0000-01-02", "from=9999-12-30&to=9999-12-31"]) {
      expect((await call("GET", `/api/admin/usage?${query}`, as(admin))).status, query).toBe(400);
    }
  });

  it("lists aggregation runs, scheduled and on demand, newest first", async () => {
    const admin = await platformAdmin();
    const ran = await call("POST", "/api/admin/jobs/aggregate", as(admin));
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    const runs = await call("GET", "/api/admin/jobs/aggregation-runs?limit=200", as(admin));
    expect(runs.status, JSON.stringify(runs.body)).toBe(200);
    const mine = (runs.body!.runs as Array<{ actor: { id: string } | null }>).find((run) => run.actor?.id === admin.user.id);
    expect(mine).toEqual({
      id: expect.stringMatching(/^agr_/),
      trigger: "admin",
      actor: { id: admin.user.id, email: admin.user.email },
      started_at: expect.any(String),
      finished_at: expect.any(String),
      status: "succeeded",
      batches: ran.body!.batches,
      hours_recomputed: ran.body!.hours_recomputed,
      days_recomputed: ran.body!.days_recomputed,
      rows_changed: ran.body!.rows_changed,
      more: ran.body!.more,
      error: null,
    });
    const times = (runs.body!.runs as Array<{ started_at: string }>).map((run) => Date.parse(run.started_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((await call("GET", "/api/admin/jobs/aggregation-runs?cursor=nope", as(admin))).status).toBe(400);
  });
});
