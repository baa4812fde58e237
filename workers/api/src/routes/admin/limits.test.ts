import { describe, expect, it } from "vitest";
import { and, eq, isNull } from "drizzle-orm";
import { auditLog, users } from "@xr2/db/schema";
import { apiKeyRecordSchema, kvKeys, newId, RATE_LIMIT_POLICIES, sha256Hex } from "@xr2/shared";
import { testContext } from "../../testing/fixtures.ts";
import { call, createTeam, registerUser, type TestSession } from "../../testing/http.ts";

async function withContext<T>(run: (ctx: ReturnType<typeof testContext>) => Promise<T>): Promise<T> {
  const ctx = testContext();
  try {
    return await run(ctx);
  } finally {
    await ctx.dispose();
  }
}

async function platformAdmin(): Promise<TestSession> {
  const admin = await registerUser();
  await withContext((ctx) => ctx.db().update(users).set({ isPlatformAdmin: true }).where(eq(users.id, admin.user.id)));
  return admin;
}

async function kvLimits(key: string) {
  return withContext(async (ctx) => apiKeyRecordSchema.parse(await ctx.kv.get(kvKeys.apiKey(sha256Hex(key)), "json")).limits);
}

type Limit = { name: string; value: number | null; source: string; inherited?: { value: number | null; source: string }; usage?: { used: number | null } };
const byName = (limits: Limit[], name: string) => limits.find((limit) => limit.name === name);

describe("PUT /api/admin/workspaces/{workspaceId}/limits", () => {
  it("sets a workspace's own limits and quotas, shows them beside what they replace, re-projects its keys, audits, and null removes them", async () => {
    const admin = await platformAdmin();
    const { owner, workspace } = await createTeam([]);
    const other = await createTeam([]);
    const created = await call("POST", "/api/product-api-keys", { token: owner.access_token, workspaceId: workspace.id, body: { name: "App" } });
    const theirs = await call("POST", "/api/product-api-keys", { token: other.owner.access_token, workspaceId: other.workspace.id, body: { name: "Theirs" } });
    expect(await kvLimits(created.body!.key)).toBeUndefined();

    const set = await call("PUT", `/api/admin/workspaces/${workspace.id}/limits`, {
      token: admin.access_token,
      body: { limits: { workspace_requests_per_month: 1_000, workspace_requests_per_minute: 50, llm_cost_micros_per_month: 5_000_000 } },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const limits = set.body!.limits as Limit[];
    expect(byName(limits, "workspace_requests_per_month")).toMatchObject({ value: 1_000, source: "workspace", inherited: { value: null, source: "default" }, usage: { used: 0 } });
    expect(byName(limits, "workspace_requests_per_minute")).toMatchObject({ value: 50, source: "workspace", inherited: { value: RATE_LIMIT_POLICIES.getPromptPerWorkspace.requests, source: "default" } });
    expect(await kvLimits(created.body!.key)).toEqual({ get_prompt_per_month: 1_000, get_prompt_per_workspace: { requests: 50, window_seconds: 60 } });
    expect(await kvLimits(theirs.body!.key)).toBeUndefined();

    // Members read the same through the workspace's own route.
    const seen = await call("GET", `/api/workspaces/${workspace.id}/limits`, { token: owner.access_token, workspaceId: workspace.id });
    expect(seen.status).toBe(200);
    expect(byName(seen.body!.limits, "llm_cost_micros_per_month")).toMatchObject({ value: 5_000_000, source: "workspace", usage: { used: 0 } });
    expect((await call("GET", `/api/admin/workspaces/${workspace.id}/limits`, { token: admin.access_token })).body).toMatchObject({ workspace_id: workspace.id, limits: seen.body!.limits });

    const removed = await call("PUT", `/api/admin/workspaces/${workspace.id}/limits`, { token: admin.access_token, body: { limits: { workspace_requests_per_minute: null } } });
    expect(byName(removed.body!.limits, "workspace_requests_per_minute")).toMatchObject({ source: "default" });
    expect(await kvLimits(created.body!.key)).toEqual({ get_prompt_per_month: 1_000 });

    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "limits.workspace.update"))));
    expect(audit).toHaveLength(2);
    expect(audit).toContainEqual(expect.objectContaining({ actorUserId: admin.user.id, before: { workspace_requests_per_minute: 50 }, after: { workspace_requests_per_minute: null } }));
    // The platform's own log has them too (the admin console's actions).
    const platform = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(isNull(auditLog.workspaceId), eq(auditLog.action, "limits.workspace.update"), eq(auditLog.targetId, workspace.id))));
    expect(platform).toHaveLength(2);
  });

  it("refuses non-admins (403), unknown workspaces (404) and bad values (400)", async () => {
    const admin = await platformAdmin();
    const { owner, workspace } = await createTeam([]);
    for (const [method, path] of [
      ["GET", "/api/admin/limits"],
      ["PUT", "/api/admin/limits"],
      ["GET", `/api/admin/workspaces/${workspace.id}/limits`],
      ["PUT", `/api/admin/workspaces/${workspace.id}/limits`],
    ] as const) {
      const response = await call(method, path, { token: owner.access_token, ...(method === "PUT" ? { body: { limits: { workspace_requests_per_month: 1 } } } : {}) });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect((await call(method, path, method === "PUT" ? { body: { limits: {} } } : {})).status).toBe(401);
    }
    expect((await call("GET", `/api/admin/workspaces/${newId("workspace")}/limits`, { token: admin.access_token })).status).toBe(404);
    expect((await call("PUT", `/api/admin/workspaces/${newId("workspace")}/limits`, { token: admin.access_token, body: { limits: { workspace_requests_per_month: 1 } } })).status).toBe(404);
    for (const body of [
      {},
      { limits: { workspace_requests_per_month: -1 } },
      { limits: { workspace_requests_per_month: 1.5 } },
      { limits: { workspace_requests_per_month: "1000" } },
      { limits: { api_key_requests_per_minute: 0 } },
      { limits: { no_such_limit: 5 } },
      { limits: { workspace_requests_per_month: 1 }, extra: true },
    ]) {
      const response = await call("PUT", `/api/admin/workspaces/${workspace.id}/limits`, { token: admin.access_token, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    // A quota of 0 is allowed (nothing may be fetched): only rate limits must be positive.
    expect((await call("PUT", `/api/admin/workspaces/${workspace.id}/limits`, { token: admin.access_token, body: { limits: { workspace_events_per_month: 0 } } })).status).toBe(200);
  });
});

describe("GET/PUT /api/admin/limits", () => {
  it("lists the global defaults beside the built-in values, sets one for every workspace without its own, and removes it with null", async () => {
    const admin = await platformAdmin();
    const { owner, workspace } = await createTeam([]);
    const listed = await call("GET", "/api/admin/limits", { token: admin.access_token });
    expect(listed.status).toBe(200);
    expect(byName(listed.body!.limits, "api_key_requests_per_minute")).toMatchObject({ built_in: RATE_LIMIT_POLICIES.getPromptPerKey.requests, window_seconds: 60 });
    // workspaces_per_user: no test elsewhere depends on it, so setting it globally disturbs no parallel test.
    const set = await call("PUT", "/api/admin/limits", { token: admin.access_token, body: { limits: { workspaces_per_user: 25 } } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(byName(set.body!.limits, "workspaces_per_user")).toMatchObject({ value: 25, source: "global", built_in: null });
    const seen = await call("GET", `/api/workspaces/${workspace.id}/limits`, { token: owner.access_token, workspaceId: workspace.id });
    expect(byName(seen.body!.limits, "workspaces_per_user")).toMatchObject({ value: 25, source: "global" });
    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.actorUserId, admin.user.id), eq(auditLog.action, "limits.global.update"))));
    expect(audit).toEqual([expect.objectContaining({ workspaceId: null, after: { workspaces_per_user: 25 } })]);

    const removed = await call("PUT", "/api/admin/limits", { token: admin.access_token, body: { limits: { workspaces_per_user: null } } });
    expect(byName(removed.body!.limits, "workspaces_per_user")).toMatchObject({ value: null, source: "default" });
  });
});

describe("GET /api/workspaces/{workspaceId}/limits", () => {
  it("is readable by every member (with usage), and 404 for outsiders", async () => {
    const { workspace, members } = await createTeam(["viewer"]);
    const seen = await call("GET", `/api/workspaces/${workspace.id}/limits`, { token: members[0]!.access_token, workspaceId: workspace.id });
    expect(seen.status).toBe(200);
    expect(byName(seen.body!.limits, "workspace_events_per_month")).toMatchObject({ value: null, source: "default", usage: { used: 0 } });
    expect(byName(seen.body!.limits, "members_per_workspace")).toMatchObject({ usage: { used: 2 } });
    const outsider = await registerUser();
    expect((await call("GET", `/api/workspaces/${workspace.id}/limits`, { token: outsider.access_token, workspaceId: workspace.id })).status).toBe(404);
  });
});
