import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { apiKeys, auditLog, users, workspaces } from "@xr2/db/schema";
import { kvKeys, newId, sha256Hex } from "@xr2/shared";
import { testContext } from "../../testing/fixtures.ts";
import { call, createTeam, createWorkspace, registerUser, TEST_PASSWORD, uniqueEmail, type TestSession } from "../../testing/http.ts";

/** A registered user made platform admin (as `npm run make-admin` does). */
async function platformAdmin(): Promise<TestSession> {
  const admin = await registerUser();
  const ctx = testContext();
  await ctx.db().update(users).set({ isPlatformAdmin: true }).where(eq(users.id, admin.user.id));
  await ctx.dispose();
  return admin;
}

const as = (session: TestSession) => ({ token: session.access_token });

async function auditRows(targetId: string, action: string) {
  const ctx = testContext();
  try {
    return await ctx.db().select().from(auditLog).where(and(eq(auditLog.targetId, targetId), eq(auditLog.action, action)));
  } finally {
    await ctx.dispose();
  }
}

describe("admin: users", () => {
  it("lists users searched by e-mail or name, any case, with % and _ taken literally, paged by cursor", async () => {
    const admin = await platformAdmin();
    const tag = crypto.randomUUID().slice(0, 8);
    const people = [];
    for (const index of [0, 1, 2]) people.push(await registerUser(`found-${tag}-${index}@example.com`, `Person ${index}`));
    const named = await registerUser(uniqueEmail(), `Zed ${tag.toUpperCase()}`);

    const byEmail = await call("GET", `/api/admin/users?q=FOUND-${tag}&limit=2`, as(admin));
    expect(byEmail.status, JSON.stringify(byEmail.body)).toBe(200);
    expect(byEmail.body!.users.map((user: { email: string }) => user.email)).toEqual([people[2]!.user.email, people[1]!.user.email]);
    expect(byEmail.body!.users[0]).toEqual({
      id: people[2]!.user.id,
      email: people[2]!.user.email,
      name: "Person 2",
      is_platform_admin: false,
      email_verified: false,
      disabled_at: null,
      last_login_at: expect.toBeOneOf([null, expect.any(String)]),
      created_at: expect.any(String),
      workspace_count: 0,
      owned_workspace_count: 0,
    });
    expect(JSON.stringify(byEmail.body)).not.toMatch(/password/i);
    const next = await call("GET", `/api/admin/users?q=found-${tag}&limit=2&cursor=${byEmail.body!.next_cursor}`, as(admin));
    expect(next.body!.users.map((user: { id: string }) => user.id)).toEqual([people[0]!.user.id]);
    expect(next.body!.next_cursor).toBeNull();

    const byName = await call("GET", `/api/admin/users?q=zed%20${tag}`, as(admin));
    expect(byName.body!.users.map((user: { id: string }) => user.id)).toEqual([named.user.id]);
    expect((await call("GET", `/api/admin/users?q=found_${tag}`, as(admin))).body!.users).toEqual([]);
    expect((await call("GET", "/api/admin/users?q=%25%25%25", as(admin))).body!.users).toEqual([]);
    for (const query of ["limit=0", "status=gone", "cursor=garbage", "unknown=1", `q=${"x".repeat(201)}`, "q=a%00b", "q=%20%20"]) {
      expect((await call("GET", `/api/admin/users?${query}`, as(admin))).status, query).toBe(400);
    }
  });

  it("disables a user: the next call with their access token is refused, refresh fails, sign-in fails; enabling lets them sign in again", async () => {
    const admin = await platformAdmin();
    const email = uniqueEmail();
    const user = await registerUser(email);
    expect((await call("GET", "/api/auth/me", as(user))).status).toBe(200);

    const disabled = await call("POST", `/api/admin/users/${user.user.id}/disable`, as(admin));
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expect(disabled.body).toMatchObject({ id: user.user.id, disabled_at: expect.any(String) });

    const next = await call("GET", "/api/auth/me", as(user));
    expect(next.status).toBe(401);
    expect(next.body!.error.code).toBe("UNAUTHENTICATED");
    expect((await call("GET", "/api/workspaces", as(user))).status).toBe(401);
    expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: user.refresh_token } })).status).toBe(401);
    expect((await call("POST", "/api/auth/login", { body: { email, password: TEST_PASSWORD } })).status).toBe(401);
    // Disabling again changes nothing and writes no second audit row.
    expect((await call("POST", `/api/admin/users/${user.user.id}/disable`, as(admin))).status).toBe(200);
    const audit = await auditRows(user.user.id, "user.disable");
    expect(audit).toEqual([expect.objectContaining({ workspaceId: null, actorUserId: admin.user.id, targetType: "user", after: expect.objectContaining({ sessions_ended: 1 }) })]);
    // The platform's audit log shows it, and no workspace's rows.
    const platformLog = await call("GET", `/api/admin/audit-log?target_id=${user.user.id}`, as(admin));
    expect(platformLog.status, JSON.stringify(platformLog.body)).toBe(200);
    expect(platformLog.body!.entries).toEqual([expect.objectContaining({ action: "user.disable", target_type: "user", actor: { id: admin.user.id, email: admin.user.email, name: admin.user.name } })]);
    const everything = await call("GET", "/api/admin/audit-log?limit=200", as(admin));
    expect(everything.body!.entries.map((entry: { action: string }) => entry.action)).not.toContain("workspace.create");
    expect((await call("GET", "/api/admin/audit-log?cursor=garbage", as(admin))).status).toBe(400);
    const listed = await call("GET", `/api/admin/users?q=${encodeURIComponent(email)}&status=disabled`, as(admin));
    expect(listed.body!.users.map((row: { id: string }) => row.id)).toEqual([user.user.id]);
    expect((await call("GET", `/api/admin/users?q=${encodeURIComponent(email)}&status=active`, as(admin))).body!.users).toEqual([]);

    const enabled = await call("POST", `/api/admin/users/${user.user.id}/enable`, as(admin));
    expect(enabled.status).toBe(200);
    expect(enabled.body!.disabled_at).toBeNull();
    expect(await auditRows(user.user.id, "user.enable")).toHaveLength(1);
    // The old session stays ended; signing in works again.
    expect((await call("GET", "/api/auth/me", as(user))).status).toBe(401);
    const login = await call("POST", "/api/auth/login", { body: { email, password: TEST_PASSWORD } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect((await call("GET", "/api/auth/me", { token: login.body!.access_token })).status).toBe(200);
  });

  it("refuses to disable or delete yourself, answers 404 for unknown users, and 403 to everyone but platform admins", async () => {
    const admin = await platformAdmin();
    const self = await call("POST", `/api/admin/users/${admin.user.id}/disable`, as(admin));
    expect(self.status).toBe(409);
    expect(self.body!.error.message).toMatch(/your own account/);
    expect((await call("DELETE", `/api/admin/users/${admin.user.id}`, as(admin))).status).toBe(409);
    expect((await call("GET", "/api/auth/me", as(admin))).status).toBe(200);
    for (const [method, path] of [["POST", "disable"], ["POST", "enable"], ["DELETE", ""]] as const) {
      expect((await call(method, `/api/admin/users/${newId("user")}${path ? `/${path}` : ""}`, as(admin))).status).toBe(404);
    }

    const { owner, members } = await createTeam(["member"]);
    for (const session of [owner, members[0]!]) {
      for (const [method, path] of [["GET", "/api/admin/users"], ["POST", `/api/admin/users/${admin.user.id}/disable`], ["DELETE", `/api/admin/users/${admin.user.id}`], ["GET", "/api/admin/workspaces"], ["GET", "/api/admin/usage"]] as const) {
        const response = await call(method, path, as(session));
        expect(response.status, `${method} ${path}`).toBe(403);
      }
    }
    expect((await call("GET", "/api/auth/me", as(admin))).status).toBe(200);
  });

  it("refuses to delete the only owner of a workspace with other members, naming it, until ownership moves", async () => {
    const admin = await platformAdmin();
    const { owner, workspace, members } = await createTeam(["member"]);
    const refused = await call("DELETE", `/api/admin/users/${owner.user.id}`, as(admin));
    expect(refused.status).toBe(409);
    expect(refused.body!.error.message).toContain(`"Growth team" (${workspace.id})`);
    expect(refused.body!.error.message).toMatch(/Transfer ownership/);
    expect(refused.body!.error.details).toEqual({ workspaces: [{ id: workspace.id, name: "Growth team", other_members: 1 }] });
    // Nothing changed, not even the sessions.
    expect((await call("GET", "/api/auth/me", as(owner))).status).toBe(200);

    const transfer = await call("POST", `/api/workspaces/${workspace.id}/transfer`, { token: owner.access_token, body: { user_id: members[0]!.user.id } });
    expect(transfer.status, JSON.stringify(transfer.body)).toBe(200);
    const deleted = await call("DELETE", `/api/admin/users/${owner.user.id}`, as(admin));
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(deleted.body).toEqual({ id: owner.user.id, deleted_workspaces: [] });
    expect((await call("GET", `/api/workspaces/${workspace.id}`, { token: members[0]!.access_token })).status).toBe(200);
    expect((await call("GET", "/api/auth/me", as(owner))).status).toBe(401);
  });

  it("deletes the owner of a workspace already deleted but not yet purged, whose members do not block it", async () => {
    const admin = await platformAdmin();
    const { owner, workspace } = await createTeam(["member"]);
    const deletedWorkspace = await call("DELETE", `/api/workspaces/${workspace.id}`, { token: owner.access_token, workspaceId: workspace.id, body: { confirm_name: "Growth team" } });
    expect(deletedWorkspace.status, JSON.stringify(deletedWorkspace.body)).toBe(202);
    const ctx = testContext();
    try {
      // The purge has not run: the row and the other member's membership are still there.
      expect(await ctx.db().select({ deletedAt: workspaces.deletedAt }).from(workspaces).where(eq(workspaces.id, workspace.id))).toEqual([{ deletedAt: expect.any(Date) }]);
      const deleted = await call("DELETE", `/api/admin/users/${owner.user.id}`, as(admin));
      expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
      expect(deleted.body).toEqual({ id: owner.user.id, deleted_workspaces: [{ id: workspace.id, name: "Growth team" }] });
      expect(await ctx.db().select().from(workspaces).where(eq(workspaces.id, workspace.id))).toEqual([]);
      expect(await ctx.db().select().from(users).where(eq(users.id, owner.user.id))).toEqual([]);
    } finally {
      await ctx.dispose();
    }
  });

  it("deletes a user with the workspaces they own alone, whose keys leave the edge's KV, and audits it", async () => {
    const admin = await platformAdmin();
    const user = await registerUser();
    const solo = await createWorkspace(user, "Solo space");
    const key = await call("POST", "/api/product-api-keys", { token: user.access_token, workspaceId: solo.id, body: { name: "app" } });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const ctx = testContext();
    try {
      const hash = sha256Hex(key.body!.key as string);
      expect(await ctx.kv.get(kvKeys.apiKey(hash))).not.toBeNull();

      const deleted = await call("DELETE", `/api/admin/users/${user.user.id}`, as(admin));
      expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
      expect(deleted.body).toEqual({ id: user.user.id, deleted_workspaces: [{ id: solo.id, name: "Solo space" }] });
      expect(await ctx.kv.get(kvKeys.apiKey(hash))).toBeNull();
      expect(await ctx.db().select().from(users).where(eq(users.id, user.user.id))).toEqual([]);
      expect(await ctx.db().select().from(workspaces).where(eq(workspaces.id, solo.id))).toEqual([]);
      expect(await ctx.db().select().from(apiKeys).where(eq(apiKeys.workspaceId, solo.id))).toEqual([]);
      expect((await call("GET", "/api/auth/me", as(user))).status).toBe(401);
      const audit = await auditRows(user.user.id, "user.delete");
      expect(audit).toEqual([
        expect.objectContaining({ workspaceId: null, actorUserId: admin.user.id, before: expect.objectContaining({ email: user.user.email }), after: { workspaces_deleted: [{ id: solo.id, name: "Solo space" }] } }),
      ]);
      expect((await call("DELETE", `/api/admin/users/${user.user.id}`, as(admin))).status).toBe(404);
    } finally {
      await ctx.dispose();
    }
  });
});
