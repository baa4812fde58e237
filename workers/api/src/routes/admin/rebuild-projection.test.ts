import { describe, expect, it } from "vitest";
import { and, eq, isNull } from "drizzle-orm";
import { apiKeys, auditLog, prompts, users, workspaces } from "@xr2/db/schema";
import { kvKeys, newId, sha256Hex } from "@xr2/shared";
import { rebuildProjection } from "../../services/projection/rebuild-projection.ts";
import { addPrompt, testContext } from "../../testing/fixtures.ts";
import { call, createTeam } from "../../testing/http.ts";

describe("KV projection rebuild", () => {
  it("restores served versions and live keys, and deletes what must no longer be served", async () => {
    const { owner, workspace, members } = await createTeam(["viewer"]);
    const as = { token: owner.access_token, workspaceId: workspace.id };
    const ctx = testContext();
    const served = await addPrompt(ctx, workspace.id, ["served"]);
    const archived = await addPrompt(ctx, workspace.id, ["archived soon"]);
    for (const prompt of [served, archived]) await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[0]}/publish`, as);
    await ctx.db().update(prompts).set({ status: "archived" }).where(eq(prompts.id, archived.promptId));

    const liveHash = sha256Hex(`xr2_live_${crypto.randomUUID()}`);
    const revokedHash = sha256Hex(`xr2_live_${crypto.randomUUID()}`);
    await ctx.db().insert(apiKeys).values([
      { id: newId("apiKey"), workspaceId: workspace.id, name: "live", keyHash: liveHash, prefix: "xr2_live_aaa", scopes: ["prompts:read"] },
      { id: newId("apiKey"), workspaceId: workspace.id, name: "revoked", keyHash: revokedHash, prefix: "xr2_live_bbb", scopes: ["prompts:read"], revokedAt: new Date() },
    ]);
    // KV lost the served entry and still holds a revoked key.
    await ctx.kv.delete(kvKeys.publishedPrompt(workspace.id, "production", served.slug));
    await ctx.kv.put(kvKeys.apiKey(revokedHash), JSON.stringify({ stale: true }));

    expect((await call("POST", `/api/workspaces/${workspace.id}/kv/rebuild`, { token: members[0]!.access_token })).status).toBe(403);
    const rebuilt = await call("POST", `/api/workspaces/${workspace.id}/kv/rebuild`, { token: owner.access_token });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toMatchObject({ workspaces: 1, prompts_written: 1, prompt_entries_deleted: 1, api_keys_written: 1, api_keys_deleted: 1 });

    expect(await ctx.kv.get(kvKeys.publishedPrompt(workspace.id, "production", served.slug), "json")).toMatchObject({ version_id: served.versionIds[0] });
    expect(await ctx.kv.get(kvKeys.publishedPrompt(workspace.id, "production", archived.slug))).toBeNull();
    expect(await ctx.kv.get(kvKeys.apiKey(liveHash), "json")).toMatchObject({ workspace_id: workspace.id, scopes: ["prompts:read"] });
    expect(await ctx.kv.get(kvKeys.apiKey(revokedHash))).toBeNull();
    const audit = await ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "kv.rebuild")));
    expect(audit).toEqual([expect.objectContaining({ actorUserId: owner.user.id, targetType: "kv_projection", after: expect.objectContaining({ prompts_written: 1 }) })]);
    await ctx.dispose();
  });

  it("takes back what it wrote for a workspace deleted while it ran", async () => {
    const { owner, workspace } = await createTeam([]);
    const ctx = testContext();
    const served = await addPrompt(ctx, workspace.id, ["served"]);
    expect((await call("PUT", `/api/prompts/${served.promptId}/versions/${served.versionIds[0]}/publish`, { token: owner.access_token, workspaceId: workspace.id })).status).toBe(200);
    const keyHash = sha256Hex(`xr2_live_${crypto.randomUUID()}`);
    await ctx.db().insert(apiKeys).values({ id: newId("apiKey"), workspaceId: workspace.id, name: "live", keyHash, prefix: "xr2_live_ccc", scopes: ["prompts:read"] });

    // The workspace is deleted (DELETE /api/workspaces/{id} commits and clears KV) just as the
    // rebuild writes its key: KV's put is where the two meet.
    const racing = {
      ...ctx,
      kv: {
        ...ctx.kv,
        get: ctx.kv.get.bind(ctx.kv),
        list: ctx.kv.list.bind(ctx.kv),
        delete: ctx.kv.delete.bind(ctx.kv),
        put: async (...args: Parameters<KVNamespace["put"]>) => {
          await ctx.kv.put(...args);
          if (args[0] === kvKeys.apiKey(keyHash)) await ctx.db().update(workspaces).set({ deletedAt: new Date() }).where(eq(workspaces.id, workspace.id));
        },
      } as KVNamespace,
    };
    await rebuildProjection({ ctx: racing, input: { workspaceId: workspace.id } });

    expect(await ctx.kv.get(kvKeys.apiKey(keyHash))).toBeNull();
    expect(await ctx.kv.get(kvKeys.publishedPrompt(workspace.id, "production", served.slug))).toBeNull();
    expect(await ctx.kv.get(kvKeys.eventDefinitions(workspace.id))).toBeNull();
    await ctx.dispose();
  });

  // It rebuilds every workspace of the run's shared database, which holds those of every file run
  // before it or beside it (16 s on a busy two-core machine): a slower machine must not fail it at
  // the default 30 s.
  it("rebuilds every workspace only for platform administrators", async () => {
    const { owner } = await createTeam([]);
    expect((await call("POST", "/api/admin/kv/rebuild", { token: owner.access_token })).status).toBe(403);
    const ctx = testContext();
    await ctx.db().update(users).set({ isPlatformAdmin: true }).where(eq(users.id, owner.user.id));
    await ctx.dispose();
    const rebuilt = await call("POST", "/api/admin/kv/rebuild", { token: owner.access_token });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body!.workspaces).toBeGreaterThanOrEqual(1);
    const check = testContext();
    const audit = await check.db().select().from(auditLog).where(and(isNull(auditLog.workspaceId), eq(auditLog.action, "kv.rebuild"), eq(auditLog.actorUserId, owner.user.id)));
    await check.dispose();
    expect(audit).toEqual([expect.objectContaining({ targetId: null, after: expect.objectContaining({ workspaces: rebuilt.body!.workspaces }) })]);
  }, 90_000);
});
