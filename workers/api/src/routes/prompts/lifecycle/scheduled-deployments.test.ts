/**
 * Scheduled publishing (issue #18) through the routes and the job QStash calls: scheduling queues
 * a delayed message (held by the local QStash), the job's delivery deploys exactly once as the
 * scheduler (a redelivery, or a delivery for a cancelled schedule, changes nothing), the approval
 * rule at run time, the scheduler's role at run time, validation, roles, limits and tenancy.
 * The delivery at the scheduled time over the whole stack: test/e2e/scheduled-publishing.test.ts.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { Client } from "@upstash/qstash";
import { auditLog, deployments, scheduledDeployments, workspaceMembers } from "@xr2/db/schema";
import { kvKeys, newId, parseEnv, publishedPromptSchema } from "@xr2/shared";
import { signDelivery } from "../../../../../../local/qstash/signing.ts";
import { apiEnvSchema } from "../../../env.ts";
import { SCHEDULE_LIMITS } from "../../../services/scheduled-deployments/limits.ts";
import { sweepOverdueSchedules } from "../../../services/scheduled-deployments/sweep-overdue-schedules.ts";
import { addPrompt, testContext } from "../../../testing/fixtures.ts";
import { call, createTeam, type TestSession } from "../../../testing/http.ts";

const testEnv = parseEnv(apiEnvSchema, env);
/** QStash must be able to reach the job: the tests' worker has no API_PUBLIC_URL of its own. */
const withPublicUrl = { API_PUBLIC_URL: "http://api.test" };
const HOUR = 3_600_000;
const qstash = new Client({ baseUrl: testEnv.QSTASH_URL, token: testEnv.QSTASH_TOKEN, devMode: false, enableTelemetry: false, retry: false });

async function setup(roles: Array<"admin" | "member" | "viewer"> = ["member", "viewer"]) {
  const team = await createTeam(roles);
  const ctx = testContext();
  const prompt = await addPrompt(ctx, team.workspace.id, ["v1 {name}", "v2 {name}"]);
  await ctx.dispose();
  const as = (session: TestSession) => ({ token: session.access_token, workspaceId: team.workspace.id, env: withPublicUrl });
  return { ...team, prompt, as };
}

async function servedInKv(workspaceId: string, slug: string, environment: "production" | "staging" = "production") {
  const ctx = testContext();
  const raw = await ctx.kv.get(kvKeys.publishedPrompt(workspaceId, environment, slug), "json");
  await ctx.dispose();
  return raw === null ? null : publishedPromptSchema.parse(raw);
}

async function rowsOf<T>(read: (ctx: ReturnType<typeof testContext>) => Promise<T>): Promise<T> {
  const ctx = testContext();
  try {
    return await read(ctx);
  } finally {
    await ctx.dispose();
  }
}

const inAnHour = () => new Date(Date.now() + HOUR).toISOString();

/** A delivery of the job as QStash makes it: signed for the job's URL over the raw body. */
async function deliver(scheduleId: string) {
  const body = JSON.stringify({ schedule_id: scheduleId });
  const signature = await signDelivery(testEnv.QSTASH_CURRENT_SIGNING_KEY, "http://api.test/api/jobs/scheduled-deployment", new TextEncoder().encode(body));
  return call("POST", "/api/jobs/scheduled-deployment", { rawBody: body, headers: { "upstash-signature": signature }, env: withPublicUrl });
}

const deploymentsOf = (promptId: string) => rowsOf((ctx) => ctx.db().select().from(deployments).where(eq(deployments.promptId, promptId)));

describe("scheduling a publish", () => {
  it("answers 201, lists it as pending, holds a QStash message not before run_at, and audits it", async () => {
    const { members, workspace, prompt, as } = await setup();
    const member = members[0]!;
    const runAt = inAnHour();
    const created = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(member), body: { action: "publish", environment: "production", version_id: prompt.versionIds[1], run_at: runAt, note: "launch" } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^sdep_/), action: "publish", environment: "production", version_id: prompt.versionIds[1], version: 2, status: "scheduled", run_at: runAt, created_by_id: member.user.id, note: "launch", outcome: null });

    const listed = await call("GET", `/api/prompts/${prompt.slug}/scheduled-deployments`, as(members[1]!));
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ pending: [expect.objectContaining({ id: created.body!.id, status: "scheduled" })], recent: [] });

    const [row] = await rowsOf((ctx) => ctx.db().select().from(scheduledDeployments).where(eq(scheduledDeployments.id, created.body!.id)));
    const message = await qstash.messages.get(row!.qstashMessageId!);
    expect(message.url).toBe("http://api.test/api/jobs/scheduled-deployment");
    expect(JSON.parse(message.body!)).toEqual({ schedule_id: created.body!.id });
    expect(message.notBefore).toBe(Math.ceil(Date.parse(runAt) / 1_000) * 1_000);

    const audits = await rowsOf((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "prompt.schedule"))));
    expect(audits).toEqual([expect.objectContaining({ actorUserId: member.user.id, targetId: prompt.promptId, after: expect.objectContaining({ scheduled_deployment_id: created.body!.id, run_at: runAt }) })]);
    expect(await servedInKv(workspace.id, prompt.slug)).toBeNull();
  });

  it("deploys once when the job is delivered, as the scheduler; a redelivery changes nothing and it can no longer be cancelled", async () => {
    const { members, workspace, prompt, as } = await setup();
    const member = members[0]!;
    const created = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(member), body: { action: "publish", environment: "staging", version_id: prompt.versionIds[0], run_at: inAnHour() } });
    const first = await deliver(created.body!.id);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ ran: true, status: "done" });
    expect(await servedInKv(workspace.id, prompt.slug, "staging")).toMatchObject({ version_id: prompt.versionIds[0] });
    const history = await deploymentsOf(prompt.promptId);
    expect(history).toEqual([expect.objectContaining({ environment: "staging", action: "publish", toVersionId: prompt.versionIds[0], actorUserId: member.user.id })]);

    const again = await Promise.all([deliver(created.body!.id), deliver(created.body!.id)]);
    expect(again.map((response) => [response.status, response.body?.ran])).toEqual([
      [200, false],
      [200, false],
    ]);
    expect(await deploymentsOf(prompt.promptId)).toHaveLength(1);

    const listed = await call("GET", `/api/prompts/${prompt.promptId}/scheduled-deployments`, as(member));
    expect(listed.body).toMatchObject({ pending: [], recent: [{ id: created.body!.id, status: "done", outcome: { deployment_id: history[0]!.id, to_version_id: prompt.versionIds[0], version: 1 } }] });
    const cancel = await call("DELETE", `/api/prompts/${prompt.promptId}/scheduled-deployments/${created.body!.id}`, as(member));
    expect(cancel.status).toBe(409);
    expect(cancel.body!.error.message).toMatch(/already run/);
    const runs = await rowsOf((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "prompt.schedule_run"))));
    expect(runs).toHaveLength(1);
  });

  it("runs two concurrent deliveries of one schedule once", async () => {
    const { owner, prompt, as } = await setup([]);
    const created = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(owner), body: { action: "publish", environment: "production", version_id: prompt.versionIds[0], run_at: inAnHour() } });
    const results = await Promise.all([deliver(created.body!.id), deliver(created.body!.id)]);
    expect(results.map((response) => response.status)).toEqual([200, 200]);
    expect(results.filter((response) => response.body!.ran === true)).toHaveLength(1);
    expect(await deploymentsOf(prompt.promptId)).toHaveLength(1);
  });

  it("schedules a rollback, which re-points the environment at what served before", async () => {
    const { owner, workspace, prompt, as } = await setup([]);
    for (const versionId of prompt.versionIds) expect((await call("PUT", `/api/prompts/${prompt.promptId}/versions/${versionId}/publish`, as(owner))).status).toBe(200);
    const created = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(owner), body: { action: "rollback", environment: "production", run_at: inAnHour() } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ action: "rollback", version_id: null, version: null });
    expect((await deliver(created.body!.id)).body).toMatchObject({ ran: true, status: "done" });
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version_id: prompt.versionIds[0] });
  });
});

describe("a schedule whose message never came", () => {
  it("is run by the sweep of the scheduled aggregation job once overdue (a crash after its row committed, QStash's retries spent), exactly once", async () => {
    const { members, workspace, prompt } = await setup();
    const member = members[0]!;
    // As a crash between the row's commit and the QStash publish leaves it: scheduled, no message, its time past.
    const id = newId("scheduledDeployment");
    const overdue = new Date(Date.now() - 10 * 60_000);
    await rowsOf((ctx) =>
      ctx.db().insert(scheduledDeployments).values({ id, workspaceId: workspace.id, promptId: prompt.promptId, versionId: prompt.versionIds[1]!, environment: "staging", action: "publish", runAt: overdue, createdById: member.user.id }),
    );
    const notYet = newId("scheduledDeployment");
    await rowsOf((ctx) =>
      ctx.db().insert(scheduledDeployments).values({ id: notYet, workspaceId: workspace.id, promptId: prompt.promptId, versionId: prompt.versionIds[0]!, environment: "production", action: "publish", runAt: new Date(Date.now() + HOUR), createdById: member.user.id }),
    );

    const swept = await rowsOf((ctx) => sweepOverdueSchedules({ ctx }));
    expect(swept).toMatchObject({ ran: 1 });
    const [row] = await rowsOf((ctx) => ctx.db().select().from(scheduledDeployments).where(eq(scheduledDeployments.id, id)));
    expect(row).toMatchObject({ status: "done" });
    expect(await servedInKv(workspace.id, prompt.slug, "staging")).toMatchObject({ version_id: prompt.versionIds[1] });
    // Once run, neither a late delivery nor the next sweep runs it again; the future one waits.
    expect((await deliver(id)).body).toMatchObject({ ran: false });
    expect(await rowsOf((ctx) => sweepOverdueSchedules({ ctx }))).toMatchObject({ ran: 0 });
    expect(await deploymentsOf(prompt.promptId)).toHaveLength(1);
    const [waiting] = await rowsOf((ctx) => ctx.db().select().from(scheduledDeployments).where(eq(scheduledDeployments.id, notYet)));
    expect(waiting).toMatchObject({ status: "scheduled" });
  });
});

describe("cancelling", () => {
  it("cancels a pending schedule (its QStash message too); a delivery then does nothing; a second cancel is 409", async () => {
    const { members, workspace, prompt, as } = await setup();
    const member = members[0]!;
    const created = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(member), body: { action: "publish", environment: "production", version_id: prompt.versionIds[0], run_at: inAnHour() } });
    const [row] = await rowsOf((ctx) => ctx.db().select().from(scheduledDeployments).where(eq(scheduledDeployments.id, created.body!.id)));
    const cancelled = await call("DELETE", `/api/prompts/${prompt.promptId}/scheduled-deployments/${created.body!.id}`, as(member));
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ id: created.body!.id, status: "cancelled" });
    // The local QStash keeps a cancelled message, marked so (the SDK's Message type has no state).
    expect(((await qstash.messages.get(row!.qstashMessageId!)) as { state?: string }).state).toBe("CANCELED");

    expect((await deliver(created.body!.id)).body).toMatchObject({ ran: false, status: "cancelled" });
    expect(await deploymentsOf(prompt.promptId)).toHaveLength(0);
    expect(await servedInKv(workspace.id, prompt.slug)).toBeNull();
    const again = await call("DELETE", `/api/prompts/${prompt.promptId}/scheduled-deployments/${created.body!.id}`, as(member));
    expect(again.status).toBe(409);
    const audits = await rowsOf((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "prompt.schedule_cancel"))));
    expect(audits).toEqual([expect.objectContaining({ actorUserId: member.user.id, after: { scheduled_deployment_id: created.body!.id, status: "cancelled" } })]);
  });
});

describe("a scheduled version", () => {
  it("cannot be deleted while a pending schedule names it (409); once cancelled, the draft and its schedule go", async () => {
    const { owner, prompt, as } = await setup([]);
    const created = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(owner), body: { action: "publish", environment: "staging", version_id: prompt.versionIds[1], run_at: inAnHour() } });
    const refused = await call("DELETE", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[1]}`, as(owner));
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body!.error.message).toMatch(/a pending scheduled deployment names it/);
    expect((await call("DELETE", `/api/prompts/${prompt.promptId}/scheduled-deployments/${created.body!.id}`, as(owner))).status).toBe(200);
    expect((await call("DELETE", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[1]}`, as(owner))).status).toBeLessThan(300);
    expect((await call("GET", `/api/prompts/${prompt.promptId}/scheduled-deployments`, as(owner))).body).toEqual({ pending: [], recent: [] });
  });
});

describe("the approval rule and the scheduler's role, at run time", () => {
  it("turns a Member's scheduled production publish into an approval request when the workspace requires approval; an Admin's deploys", async () => {
    const { owner, members, workspace, prompt, as } = await setup(["member"]);
    await call("PATCH", `/api/workspaces/${workspace.id}`, { token: owner.access_token, body: { require_production_approval: true } });
    const body = { action: "publish", environment: "production", version_id: prompt.versionIds[0], run_at: inAnHour() };
    const byMember = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(members[0]!), body });
    const ran = await deliver(byMember.body!.id);
    expect(ran.body).toMatchObject({ ran: true, status: "awaiting_approval" });
    expect(await servedInKv(workspace.id, prompt.slug)).toBeNull();
    const listed = await call("GET", `/api/prompts/${prompt.promptId}/scheduled-deployments`, as(owner));
    const approvalId = listed.body!.recent[0].outcome.approval_request_id as string;
    expect(listed.body!.recent[0]).toMatchObject({ status: "awaiting_approval", approval_status: "pending" });
    expect((await call("POST", `/api/approvals/${approvalId}/approve`, as(owner))).status).toBe(200);
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version_id: prompt.versionIds[0] });
    expect((await call("GET", `/api/prompts/${prompt.promptId}/scheduled-deployments`, as(owner))).body!.recent[0]).toMatchObject({ approval_status: "approved" });

    const byAdmin = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(owner), body: { ...body, version_id: prompt.versionIds[1] } });
    expect((await deliver(byAdmin.body!.id)).body).toMatchObject({ ran: true, status: "done" });
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version_id: prompt.versionIds[1] });
  });

  it("fails, with the reason, when the scheduler may no longer publish", async () => {
    const { members, workspace, prompt, as } = await setup(["member"]);
    const member = members[0]!;
    const created = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(member), body: { action: "publish", environment: "staging", version_id: prompt.versionIds[0], run_at: inAnHour() } });
    await rowsOf((ctx) => ctx.db().update(workspaceMembers).set({ role: "viewer" }).where(and(eq(workspaceMembers.workspaceId, workspace.id), eq(workspaceMembers.userId, member.user.id))));
    const ran = await deliver(created.body!.id);
    expect(ran.status).toBe(200);
    expect(ran.body).toMatchObject({ ran: true, status: "failed", error: expect.stringMatching(/may no longer publish/) });
    expect(await deploymentsOf(prompt.promptId)).toHaveLength(0);
    expect((await deliver(created.body!.id)).body).toMatchObject({ ran: false, status: "failed" });
  });

  it("fails when the prompt was archived in the meantime", async () => {
    const { owner, prompt, as } = await setup([]);
    const created = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(owner), body: { action: "publish", environment: "production", version_id: prompt.versionIds[0], run_at: inAnHour() } });
    const archived = await call("DELETE", `/api/prompts/${prompt.promptId}`, as(owner));
    expect(archived.status, JSON.stringify(archived.body)).toBeLessThan(300);
    expect((await deliver(created.body!.id)).body).toMatchObject({ ran: true, status: "failed", error: expect.stringMatching(/archived/) });
  });
});

describe("refusals", () => {
  it("answers 400 with a clear message to bad input", async () => {
    const { owner, prompt, as } = await setup([]);
    const post = (body: unknown) => call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(owner), body });
    const good = { action: "publish", environment: "production", version_id: prompt.versionIds[0], run_at: inAnHour() };
    const cases: Array<[unknown, RegExp]> = [
      [{ ...good, run_at: new Date(Date.now() - 60_000).toISOString() }, /in the future/],
      [{ ...good, run_at: new Date(Date.now() + SCHEDULE_LIMITS.maxAheadMs + HOUR).toISOString() }, /one year/],
      [{ ...good, run_at: "tomorrow" }, /ISO 8601/],
      [{ ...good, version_id: undefined }, /version_id is required/],
      [{ ...good, action: "promote" }, /publish.*rollback/],
      [{ ...good, environment: "qa" }, /./],
      [{ ...good, surprise: true }, /./],
    ];
    for (const [body, message] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(response.body!.error), JSON.stringify(body)).toMatch(message);
    }
    expect((await call("GET", `/api/prompts/${prompt.promptId}/scheduled-deployments`, as(owner))).body).toEqual({ pending: [], recent: [] });
  });

  it("lets Viewers read schedules but not create or cancel them (403)", async () => {
    const { owner, members, prompt, as } = await setup(["viewer"]);
    const viewer = members[0]!;
    const body = { action: "publish", environment: "production", version_id: prompt.versionIds[0], run_at: inAnHour() };
    expect((await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(viewer), body })).status).toBe(403);
    const created = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(owner), body });
    expect((await call("GET", `/api/prompts/${prompt.promptId}/scheduled-deployments`, as(viewer))).status).toBe(200);
    expect((await call("DELETE", `/api/prompts/${prompt.promptId}/scheduled-deployments/${created.body!.id}`, as(viewer))).status).toBe(403);
  });

  it("answers 404 for another workspace's prompt, version or schedule", async () => {
    const mine = await setup([]);
    const theirs = await setup([]);
    const body = (versionId: string) => ({ action: "publish", environment: "production", version_id: versionId, run_at: inAnHour() });
    expect((await call("POST", `/api/prompts/${theirs.prompt.promptId}/scheduled-deployments`, { ...mine.as(mine.owner), body: body(theirs.prompt.versionIds[0]!) })).status).toBe(404);
    expect((await call("POST", `/api/prompts/${mine.prompt.promptId}/scheduled-deployments`, { ...mine.as(mine.owner), body: body(theirs.prompt.versionIds[0]!) })).status).toBe(404);
    expect((await call("GET", `/api/prompts/${theirs.prompt.promptId}/scheduled-deployments`, mine.as(mine.owner))).status).toBe(404);
    const theirSchedule = await call("POST", `/api/prompts/${theirs.prompt.promptId}/scheduled-deployments`, { ...theirs.as(theirs.owner), body: body(theirs.prompt.versionIds[0]!) });
    expect((await call("DELETE", `/api/prompts/${theirs.prompt.promptId}/scheduled-deployments/${theirSchedule.body!.id}`, mine.as(mine.owner))).status).toBe(404);
    expect((await call("DELETE", `/api/prompts/${mine.prompt.promptId}/scheduled-deployments/${theirSchedule.body!.id}`, mine.as(mine.owner))).status).toBe(404);
    expect((await call("GET", `/api/prompts/${theirs.prompt.promptId}/scheduled-deployments`, theirs.as(theirs.owner))).body!.pending).toEqual([expect.objectContaining({ status: "scheduled" })]);
  });

  it(`refuses more than ${SCHEDULE_LIMITS.pendingPerWorkspace} pending schedules per workspace (409)`, async () => {
    const { owner, workspace, prompt, as } = await setup([]);
    const runAt = new Date(Date.now() + HOUR);
    await rowsOf((ctx) =>
      ctx
        .db()
        .insert(scheduledDeployments)
        .values(Array.from({ length: SCHEDULE_LIMITS.pendingPerWorkspace }, () => ({ id: newId("scheduledDeployment"), workspaceId: workspace.id, promptId: prompt.promptId, versionId: prompt.versionIds[0]!, environment: "staging" as const, action: "publish" as const, runAt, createdById: owner.user.id }))),
    );
    const refused = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { ...as(owner), body: { action: "publish", environment: "production", version_id: prompt.versionIds[0], run_at: runAt.toISOString() } });
    expect(refused.status).toBe(409);
    expect(refused.body!.error.message).toMatch(/at most 100 pending/);
  });

  it("answers 503 and keeps nothing when QStash cannot be told where the job is (no API_PUBLIC_URL)", async () => {
    const { owner, workspace, prompt } = await setup([]);
    const response = await call("POST", `/api/prompts/${prompt.promptId}/scheduled-deployments`, { token: owner.access_token, workspaceId: workspace.id, body: { action: "publish", environment: "production", version_id: prompt.versionIds[0], run_at: inAnHour() } });
    expect(response.status).toBe(503);
    expect(await rowsOf((ctx) => ctx.db().select().from(scheduledDeployments).where(eq(scheduledDeployments.workspaceId, workspace.id)))).toEqual([]);
  });

  it("answers 401 to an unsigned delivery and 400 to a malformed one", async () => {
    expect((await call("POST", "/api/jobs/scheduled-deployment", { body: { schedule_id: "sdep_x" } })).status).toBe(401);
    const body = "{}";
    const signature = await signDelivery(testEnv.QSTASH_CURRENT_SIGNING_KEY, "http://api.test/api/jobs/scheduled-deployment", new TextEncoder().encode(body));
    expect((await call("POST", "/api/jobs/scheduled-deployment", { rawBody: body, headers: { "upstash-signature": signature } })).status).toBe(400);
  });
});
