import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, globalLimits, workspaceLimits } from "@xr2/db/schema";
import { testContext } from "../../testing/fixtures.ts";
import { call, createTeam as team, registerUser } from "../../testing/http.ts";

describe("pending invitations", () => {
  it("lists pending invitations (never their tokens) to Admins, newest first, and withdraws one", async () => {
    const { workspace, owner, members } = await team(["member"]);
    const [member] = members;
    const first = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: `a-${crypto.randomUUID()}@example.com`, role: "viewer" } });
    const second = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: `b-${crypto.randomUUID()}@example.com`, role: "admin" } });

    const listed = await call("GET", `/api/workspaces/${workspace.id}/invitations`, { token: owner.access_token });
    expect(listed.status).toBe(200);
    // The team's own (accepted) invitation is not pending.
    expect(listed.body!.invitations.map((invitation: { id: string }) => invitation.id)).toEqual([second.body!.id, first.body!.id]);
    expect(listed.body!.invitations[0]).toEqual({
      id: second.body!.id,
      email: second.body!.email,
      role: "admin",
      invited_by: { id: owner.user.id, name: owner.user.name, email: owner.user.email },
      expires_at: second.body!.expires_at,
      created_at: expect.any(String),
    });
    for (const token of [first.body!.invite_token, second.body!.invite_token]) expect(JSON.stringify(listed.body)).not.toContain(token);
    expect((await call("GET", `/api/workspaces/${workspace.id}/invitations`, { token: member!.access_token })).status).toBe(403);

    expect((await call("DELETE", `/api/workspaces/${workspace.id}/invitations/${first.body!.id}`, { token: member!.access_token })).status).toBe(403);
    expect((await call("DELETE", `/api/workspaces/${workspace.id}/invitations/${first.body!.id}`, { token: owner.access_token })).status).toBe(204);
    expect((await call("DELETE", `/api/workspaces/${workspace.id}/invitations/${first.body!.id}`, { token: owner.access_token })).status).toBe(204);
    const after = await call("GET", `/api/workspaces/${workspace.id}/invitations`, { token: owner.access_token });
    expect(after.body!.invitations.map((invitation: { id: string }) => invitation.id)).toEqual([second.body!.id]);

    // The withdrawn link no longer works.
    const invitee = await registerUser(first.body!.email);
    expect((await call("POST", "/api/workspaces/invitations/accept", { token: invitee.access_token, body: { invite_token: first.body!.invite_token } })).status).toBe(404);

    const ctx = testContext();
    const audit = await ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "member.invite_revoke")));
    expect(audit).toEqual([expect.objectContaining({ actorUserId: owner.user.id, targetType: "invitation", targetId: first.body!.id, before: { email: first.body!.email, role: "viewer" } })]);
    await ctx.dispose();
  });

  it("refuses to withdraw an accepted invitation, and another workspace's invitations are not found", async () => {
    const { workspace, owner } = await team([]);
    const other = await team([]);
    const person = await registerUser();
    const invite = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: person.user.email, role: "member" } });
    await call("POST", "/api/workspaces/invitations/accept", { token: person.access_token, body: { invite_token: invite.body!.invite_token } });
    expect((await call("DELETE", `/api/workspaces/${workspace.id}/invitations/${invite.body!.id}`, { token: owner.access_token })).status).toBe(409);
    expect((await call("DELETE", `/api/workspaces/${other.workspace.id}/invitations/${invite.body!.id}`, { token: other.owner.access_token })).status).toBe(404);
    expect((await call("GET", `/api/workspaces/${workspace.id}/invitations`, { token: other.owner.access_token })).status).toBe(404);
  });
});

describe("workspace limits", () => {
  it("shows every limit: the workspace's own, else the platform default, else none", async () => {
    const { workspace, members } = await team(["viewer"]);
    const ctx = testContext();
    await ctx.db().insert(workspaceLimits).values([
      { workspaceId: workspace.id, name: "llm_requests_per_day", value: 25 },
      { workspaceId: workspace.id, name: "prompts_per_workspace", value: null },
    ]);
    await ctx.db().insert(globalLimits).values({ name: "members_per_workspace", value: 50 }).onConflictDoNothing();
    const [platform] = await ctx.db().select().from(globalLimits).where(eq(globalLimits.name, "members_per_workspace"));
    await ctx.dispose();

    const listed = await call("GET", `/api/workspaces/${workspace.id}/limits`, { token: members[0]!.access_token });
    expect(listed.status).toBe(200);
    const byName = Object.fromEntries(listed.body!.limits.map((limit: { name: string }) => [limit.name, limit]));
    expect(byName.llm_requests_per_day).toEqual({ name: "llm_requests_per_day", value: 25, source: "workspace" });
    expect(byName.prompts_per_workspace).toEqual({ name: "prompts_per_workspace", value: null, source: "workspace" });
    expect(byName.members_per_workspace).toEqual({ name: "members_per_workspace", value: platform!.value, source: "platform" });
    expect(listed.body!.limits).toHaveLength(9);
  });
});
