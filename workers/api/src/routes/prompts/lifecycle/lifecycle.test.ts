import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, prompts, promptVersions } from "@xr2/db/schema";
import { kvKeys, publishedPromptSchema } from "@xr2/shared";
import { addPrompt, testContext } from "../../../testing/fixtures.ts";
import { call, createTeam, type TestSession } from "../../../testing/http.ts";

async function servedInKv(workspaceId: string, slug: string, environment: "production" | "staging" = "production") {
  const ctx = testContext();
  const raw = await ctx.kv.get(kvKeys.publishedPrompt(workspaceId, environment, slug), "json");
  return raw === null ? null : publishedPromptSchema.parse(raw);
}

async function setup(roles: Array<"admin" | "member" | "viewer"> = ["member", "viewer"]) {
  const team = await createTeam(roles);
  const ctx = testContext();
  const prompt = await addPrompt(ctx, team.workspace.id, ["v1 {name}", "v2 {name}", "v3 {name}"]);
  await ctx.dispose();
  const as = (session: TestSession) => ({ token: session.access_token, workspaceId: team.workspace.id });
  return { ...team, prompt, as };
}

describe("publish", () => {
  it("publishes to production by default, projects to KV and moves the version to production", async () => {
    const { owner, workspace, prompt, as } = await setup();
    const published = await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[0]}/publish`, as(owner));
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body).toMatchObject({ status: "deployed", environment: "production", action: "publish", from_version_id: null, to_version_id: prompt.versionIds[0], version: 1 });
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version_id: prompt.versionIds[0] });

    const ctx = testContext();
    const [version] = await ctx.db().select({ status: promptVersions.status }).from(promptVersions).where(eq(promptVersions.id, prompt.versionIds[0]!));
    expect(version?.status).toBe("production");
    const audits = await ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "prompt.publish")));
    expect(audits).toEqual([expect.objectContaining({ actorUserId: owner.user.id, targetId: prompt.promptId, after: expect.objectContaining({ version_id: prompt.versionIds[0] }) })]);
    await ctx.dispose();
  });

  it("publishes to staging, then promotes staging to production", async () => {
    const { owner, workspace, prompt, as } = await setup();
    await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[1]}/publish`, { ...as(owner), body: { environment: "staging" } });
    expect(await servedInKv(workspace.id, prompt.slug, "staging")).toMatchObject({ version_id: prompt.versionIds[1] });
    expect(await servedInKv(workspace.id, prompt.slug)).toBeNull();
    const promoted = await call("POST", `/api/prompts/${prompt.promptId}/promote`, { ...as(owner), body: { from: "staging", to: "production" } });
    expect(promoted.body).toMatchObject({ status: "deployed", action: "promote", to_version_id: prompt.versionIds[1] });
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version_id: prompt.versionIds[1] });
  });

  it("lets Members publish and refuses Viewers (403)", async () => {
    const { members, prompt, as } = await setup();
    const [member, viewer] = members as [TestSession, TestSession];
    expect((await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[0]}/publish`, as(member))).status).toBe(200);
    expect((await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[1]}/publish`, as(viewer))).status).toBe(403);
  });

  it("refuses to publish a version whose template does not compile (400), so the edge never gets one", async () => {
    const { owner, workspace, as } = await setup([]);
    const ctx = testContext();
    const broken = await addPrompt(ctx, workspace.id, ["{% if vip %}never closed"]);
    await ctx.dispose();
    const response = await call("PUT", `/api/prompts/${broken.promptId}/versions/${broken.versionIds[0]}/publish`, as(owner));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: "VALIDATION_FAILED", details: [expect.objectContaining({ code: "syntax" })] } });
    expect(await servedInKv(workspace.id, broken.slug)).toBeNull();
  });

  it("answers 404 for a prompt or version of another workspace", async () => {
    const mine = await setup([]);
    const theirs = await setup([]);
    expect((await call("PUT", `/api/prompts/${theirs.prompt.promptId}/versions/${theirs.prompt.versionIds[0]}/publish`, mine.as(mine.owner))).status).toBe(404);
    expect((await call("PUT", `/api/prompts/${mine.prompt.promptId}/versions/${theirs.prompt.versionIds[0]}/publish`, mine.as(mine.owner))).status).toBe(404);
    expect((await call("GET", `/api/prompts/${theirs.prompt.promptId}/deployments`, mine.as(mine.owner))).status).toBe(404);
    expect(await servedInKv(theirs.workspace.id, theirs.prompt.slug)).toBeNull();
  });
});

describe("rollback and history", () => {
  it("rolls back to the previous version by default and to a named earlier one, with the history to show for it", async () => {
    const { owner, workspace, prompt, as } = await setup();
    for (const versionId of prompt.versionIds) await call("PUT", `/api/prompts/${prompt.promptId}/versions/${versionId}/publish`, as(owner));
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version: 3 });

    const back = await call("POST", `/api/prompts/${prompt.promptId}/rollback`, { ...as(owner), body: {} });
    expect(back.body).toMatchObject({ action: "rollback", from_version_id: prompt.versionIds[2], to_version_id: prompt.versionIds[1], version: 2 });
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version: 2 });

    // Rolling back again goes further back, not back to what the last rollback undid.
    const further = await call("POST", `/api/prompts/${prompt.promptId}/rollback`, { ...as(owner), body: {} });
    expect(further.body).toMatchObject({ from_version_id: prompt.versionIds[1], to_version_id: prompt.versionIds[0], version: 1 });
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version: 1 });

    const named = await call("POST", `/api/prompts/${prompt.promptId}/rollback`, { ...as(owner), body: { environment: "production", version_id: prompt.versionIds[2] } });
    expect(named.status).toBe(200);
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version: 3 });

    const history = await call("GET", `/api/prompts/${prompt.promptId}/deployments?limit=2`, as(owner));
    expect(history.body!.environments).toMatchObject({ production: { version_id: prompt.versionIds[2], version: 3 } });
    expect(history.body!.deployments.map((d: { action: string; version: number }) => [d.action, d.version])).toEqual([
      ["rollback", 3],
      ["rollback", 1],
    ]);
    const rest = await call("GET", `/api/prompts/${prompt.promptId}/deployments?limit=10&cursor=${encodeURIComponent(history.body!.next_cursor)}`, as(owner));
    expect(rest.body!.deployments.map((d: { action: string; version: number }) => [d.action, d.version])).toEqual([
      ["rollback", 2],
      ["publish", 3],
      ["publish", 2],
      ["publish", 1],
    ]);
    expect(rest.body!.next_cursor).toBeNull();
  });

  it("keeps each version's status in step with production: the replaced version goes back to testing, a rollback makes it production again", async () => {
    const { owner, prompt, as } = await setup([]);
    const [v1, v2] = prompt.versionIds as [string, string, string];
    const statuses = async () => {
      const ctx = testContext();
      const rows = await ctx.db().select({ number: promptVersions.versionNumber, status: promptVersions.status }).from(promptVersions).where(eq(promptVersions.promptId, prompt.promptId)).orderBy(promptVersions.versionNumber);
      await ctx.dispose();
      return rows.map((row) => row.status);
    };
    const publish = async (versionId: string, environment = "production") => {
      const response = await call("PUT", `/api/prompts/${prompt.promptId}/versions/${versionId}/publish`, { ...as(owner), body: { environment } });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    };
    await publish(v1);
    expect(await statuses()).toEqual(["production", "draft", "draft"]);
    await publish(v2, "staging");
    expect(await statuses()).toEqual(["production", "testing", "draft"]);
    await publish(v2);
    expect(await statuses()).toEqual(["testing", "production", "draft"]);
    expect((await call("POST", `/api/prompts/${prompt.promptId}/rollback`, { ...as(owner), body: {} })).body).toMatchObject({ to_version_id: v1 });
    expect(await statuses()).toEqual(["production", "testing", "draft"]);
    // Staging still serves v2; promoting it makes it production again, and v1 testing.
    expect((await call("POST", `/api/prompts/${prompt.promptId}/promote`, { ...as(owner), body: { from: "staging", to: "production" } })).status).toBe(200);
    expect(await statuses()).toEqual(["testing", "production", "draft"]);
    // The versions list shows the same.
    const listed = await call("GET", `/api/prompts/${prompt.promptId}/versions`, as(owner));
    expect(Object.fromEntries(listed.body!.versions.map((version: { id: string; status: string }) => [version.id, version.status]))).toMatchObject({ [v1]: "testing", [v2]: "production" });
  });

  it("refuses rollbacks that make no sense with 409", async () => {
    const { owner, prompt, as } = await setup();
    expect((await call("POST", `/api/prompts/${prompt.promptId}/rollback`, { ...as(owner), body: {} })).status).toBe(409);
    await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[0]}/publish`, as(owner));
    expect((await call("POST", `/api/prompts/${prompt.promptId}/rollback`, { ...as(owner), body: {} })).status).toBe(409);
    const never = await call("POST", `/api/prompts/${prompt.promptId}/rollback`, { ...as(owner), body: { version_id: prompt.versionIds[2] } });
    expect(never.status).toBe(409);
  });

  it("answers 400 to a cursor it did not issue", async () => {
    const { owner, prompt, as } = await setup([]);
    expect((await call("GET", `/api/prompts/${prompt.promptId}/deployments?cursor=bogus`, as(owner))).status).toBe(400);
  });
});

describe("approvals", () => {
  it("turns a Member's production publish into a request that an Admin approves (deploys) or rejects", async () => {
    const { owner, workspace, members, prompt, as } = await setup(["member"]);
    const [member] = members as [TestSession];
    await call("PATCH", `/api/workspaces/${workspace.id}`, { token: owner.access_token, body: { require_production_approval: true } });

    // Staging needs no approval.
    expect((await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[0]}/publish`, { ...as(member), body: { environment: "staging" } })).status).toBe(200);

    const requested = await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[0]}/publish`, { ...as(member), body: { note: "ready" } });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ status: "pending_approval", version_id: prompt.versionIds[0] });
    expect(await servedInKv(workspace.id, prompt.slug)).toBeNull();

    const pending = await call("GET", "/api/approvals", as(member));
    expect(pending.body!.approvals).toEqual([expect.objectContaining({ id: requested.body!.approval_request_id, comment: "ready", status: "pending" })]);
    // What the Admins' inbox shows: the prompt, the version, the requester by name, and what production serves now (nothing yet).
    expect(pending.body!.approvals[0]).toMatchObject({
      prompt_id: prompt.promptId,
      prompt_slug: prompt.slug,
      prompt_name: expect.any(String),
      version_number: 1,
      requested_by_id: member.user.id,
      requested_by_name: member.user.name,
      decided_by_id: null,
      deployed_version_id: null,
      deployed_version_number: null,
    });
    expect((await call("POST", `/api/approvals/${requested.body!.approval_request_id}/approve`, as(member))).status).toBe(403);

    const approved = await call("POST", `/api/approvals/${requested.body!.approval_request_id}/approve`, as(owner));
    expect(approved.body).toMatchObject({ status: "deployed", to_version_id: prompt.versionIds[0] });
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version_id: prompt.versionIds[0] });
    expect((await call("POST", `/api/approvals/${requested.body!.approval_request_id}/approve`, as(owner))).status).toBe(409);
    // The history names both: the Admin who approved (the actor) and the Member who asked.
    const history = await call("GET", `/api/prompts/${prompt.promptId}/deployments?environment=production`, as(member));
    expect(history.body!.deployments[0]).toMatchObject({ approval: "approved", actor_user_id: owner.user.id, actor_name: owner.user.name, requested_by_id: member.user.id, requested_by_name: member.user.name });
    const decided = await call("GET", "/api/approvals?status=approved", as(owner));
    expect(decided.body!.approvals[0]).toMatchObject({ decided_by_id: owner.user.id, decided_by_name: owner.user.name, deployed_version_id: prompt.versionIds[0], deployed_version_number: 1 });

    const second = await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[1]}/publish`, as(member));
    // The second request's diff is against v1, which production serves now.
    expect((await call("GET", "/api/approvals", as(owner))).body!.approvals[0]).toMatchObject({ version_number: 2, deployed_version_id: prompt.versionIds[0], deployed_version_number: 1 });
    const rejected = await call("POST", `/api/approvals/${second.body!.approval_request_id}/reject`, { ...as(owner), body: { note: "not yet" } });
    expect(rejected.body).toMatchObject({ status: "rejected" });
    expect(await servedInKv(workspace.id, prompt.slug)).toMatchObject({ version_id: prompt.versionIds[0] });

    // A request that can no longer be deployed stays pending when an Admin approves it.
    const third = await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[2]}/publish`, as(member));
    expect(third.status).toBe(202);
    const ctx = testContext();
    await ctx.db().update(prompts).set({ status: "archived" }).where(eq(prompts.id, prompt.promptId));
    expect((await call("POST", `/api/approvals/${third.body!.approval_request_id}/approve`, as(owner))).status).toBe(409);
    expect((await call("GET", "/api/approvals", as(owner))).body!.approvals).toEqual([expect.objectContaining({ id: third.body!.approval_request_id, status: "pending" })]);
    await ctx.db().update(prompts).set({ status: "active" }).where(eq(prompts.id, prompt.promptId));
    await ctx.dispose();

    // Admins publish straight through.
    expect((await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[2]}/publish`, as(owner))).status).toBe(200);
  });
});
