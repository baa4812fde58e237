import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog } from "@xr2/db/schema";
import { testContext } from "../../testing/fixtures.ts";
import { call, createTeam as team, createWorkspace as workspaceOf, registerUser, registerVerifiedUser, type TestSession } from "../../testing/http.ts";

describe("workspaces", () => {
  it("creates a workspace whose creator is owner and Admin, lists and renames it, and audits both", async () => {
    const owner = await registerUser();
    const workspace = await workspaceOf(owner, "Checkout");
    expect(workspace).toMatchObject({ id: expect.stringMatching(/^ws_/), name: "Checkout", role: "admin" });

    const mine = await call("GET", "/api/workspaces", { token: owner.access_token });
    expect(mine.body!.workspaces).toEqual([expect.objectContaining({ id: workspace.id, role: "admin", owner_id: owner.user.id })]);

    const renamed = await call("PATCH", `/api/workspaces/${workspace.id}`, { token: owner.access_token, body: { name: "Checkout AI", require_production_approval: true } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Checkout AI", require_production_approval: true });

    const ctx = testContext();
    const audit = await ctx.db().select().from(auditLog).where(eq(auditLog.workspaceId, workspace.id)).orderBy(auditLog.createdAt);
    expect(audit.map((row) => row.action)).toEqual(["workspace.create", "workspace.update"]);
    expect(audit[1]).toMatchObject({ actorUserId: owner.user.id, before: { name: "Checkout", require_production_approval: false }, after: { name: "Checkout AI", require_production_approval: true } });
    await ctx.dispose();
  });

  it("answers 404 to anyone outside the workspace, for every workspace route", async () => {
    const { workspace, owner } = await team([]);
    const outsider = await registerUser();
    for (const [method, path, body] of [
      ["GET", `/api/workspaces/${workspace.id}`, undefined],
      ["PATCH", `/api/workspaces/${workspace.id}`, { name: "Mine now" }],
      ["GET", `/api/workspaces/${workspace.id}/members`, undefined],
      ["POST", `/api/workspaces/${workspace.id}/invite`, { email: outsider.user.email, role: "admin" }],
      ["PATCH", `/api/workspaces/${workspace.id}/members/${owner.user.id}`, { role: "viewer" }],
      ["DELETE", `/api/workspaces/${workspace.id}/members/${owner.user.id}`, undefined],
      ["POST", `/api/workspaces/${workspace.id}/transfer`, { user_id: outsider.user.id }],
    ] as const) {
      const response = await call(method, path, { token: outsider.access_token, ...(body ? { body } : {}) });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect((await call("GET", "/api/workspaces/ws_does_not_exist", { token: outsider.access_token })).status).toBe(404);
  });

  it("enforces roles from the permission table: viewers read, members cannot manage, Admins can", async () => {
    const { workspace, members } = await team(["member", "viewer"]);
    const [member, viewer] = members as [TestSession, TestSession];
    expect((await call("GET", `/api/workspaces/${workspace.id}/members`, { token: viewer.access_token })).status).toBe(200);
    for (const person of [member, viewer]) {
      expect((await call("PATCH", `/api/workspaces/${workspace.id}`, { token: person.access_token, body: { name: "x" } })).status).toBe(403);
      expect((await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: person.access_token, body: { email: "x@example.com" } })).status).toBe(403);
      expect((await call("PATCH", `/api/workspaces/${workspace.id}/members/${member.user.id}`, { token: person.access_token, body: { role: "admin" } })).status).toBe(403);
    }
  });
});

describe("invitations", () => {
  it("add the invited person with the invited role; the token works once and only for the invited address", async () => {
    const owner = await registerUser();
    const workspace = await workspaceOf(owner);
    const invited = await registerVerifiedUser();
    const stranger = await registerVerifiedUser();
    const invite = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: invited.user.email.toUpperCase(), role: "viewer" } });
    expect(invite.body).toMatchObject({ role: "viewer", invite_token: expect.stringMatching(/^inv_/) });

    const wrongPerson = await call("POST", "/api/workspaces/invitations/accept", { token: stranger.access_token, body: { invite_token: invite.body!.invite_token } });
    expect(wrongPerson.status).toBe(403);
    const accepted = await call("POST", "/api/workspaces/invitations/accept", { token: invited.access_token, body: { invite_token: invite.body!.invite_token } });
    expect(accepted.body).toEqual({ workspace_id: workspace.id, name: workspace.name, role: "viewer" });
    expect((await call("POST", "/api/workspaces/invitations/accept", { token: invited.access_token, body: { invite_token: invite.body!.invite_token } })).status).toBe(409);

    const members = await call("GET", `/api/workspaces/${workspace.id}/members`, { token: invited.access_token });
    expect(members.body!.members.map((m: { user_id: string; role: string }) => [m.user_id, m.role]).sort()).toEqual(
      [
        [owner.user.id, "admin"],
        [invited.user.id, "viewer"],
      ].sort(),
    );
  });

  it("inviting the same address again replaces the pending invitation; inviting a member is a conflict", async () => {
    const { workspace, owner, members } = await team(["member"]);
    const email = `later-${crypto.randomUUID()}@example.com`;
    const first = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email, role: "member" } });
    const second = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email, role: "admin" } });
    expect(second.status).toBe(201);
    const late = await registerVerifiedUser(email);
    expect((await call("POST", "/api/workspaces/invitations/accept", { token: late.access_token, body: { invite_token: first.body!.invite_token } })).status).toBe(404);
    expect((await call("POST", "/api/workspaces/invitations/accept", { token: late.access_token, body: { invite_token: second.body!.invite_token } })).body).toMatchObject({ role: "admin" });

    const again = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: members[0]!.user.email, role: "viewer" } });
    expect(again.status).toBe(409);
  });
});

describe("members and ownership", () => {
  it("changes roles and removes members, never demoting or removing the owner", async () => {
    const { workspace, owner, members } = await team(["member", "admin"]);
    const [member, admin] = members as [TestSession, TestSession];
    const promoted = await call("PATCH", `/api/workspaces/${workspace.id}/members/${member.user.id}`, { token: admin.access_token, body: { role: "viewer" } });
    expect(promoted.body).toEqual({ user_id: member.user.id, role: "viewer" });
    expect((await call("PATCH", `/api/workspaces/${workspace.id}/members/${owner.user.id}`, { token: admin.access_token, body: { role: "member" } })).status).toBe(409);
    expect((await call("DELETE", `/api/workspaces/${workspace.id}/members/${owner.user.id}`, { token: admin.access_token })).status).toBe(409);
    expect((await call("DELETE", `/api/workspaces/${workspace.id}/members/${member.user.id}`, { token: admin.access_token })).status).toBe(204);
    // Removed: the workspace no longer exists for them.
    expect((await call("GET", `/api/workspaces/${workspace.id}`, { token: member.access_token })).status).toBe(404);

    const ctx = testContext();
    const [roleChange] = await ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "member.role_change")));
    expect(roleChange).toMatchObject({ actorUserId: admin.user.id, targetId: member.user.id, before: { role: "member" }, after: { role: "viewer" } });
    await ctx.dispose();
  });

  it("transfers ownership only from the owner, to a member who becomes Admin", async () => {
    const { workspace, owner, members } = await team(["viewer", "admin"]);
    const [viewer, admin] = members as [TestSession, TestSession];
    expect((await call("POST", `/api/workspaces/${workspace.id}/transfer`, { token: admin.access_token, body: { user_id: admin.user.id } })).status).toBe(403);
    const transferred = await call("POST", `/api/workspaces/${workspace.id}/transfer`, { token: owner.access_token, body: { user_id: viewer.user.id } });
    expect(transferred.body).toEqual({ id: workspace.id, owner_id: viewer.user.id });
    const mine = await call("GET", "/api/workspaces", { token: viewer.access_token });
    expect(mine.body!.workspaces).toEqual([expect.objectContaining({ id: workspace.id, role: "admin", owner_id: viewer.user.id })]);
    // The former owner is now an ordinary Admin and can be demoted.
    expect((await call("PATCH", `/api/workspaces/${workspace.id}/members/${owner.user.id}`, { token: viewer.access_token, body: { role: "member" } })).status).toBe(200);
  });
});
