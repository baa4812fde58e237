/**
 * A platform admin sets limits (S4): the global defaults, or one workspace's own values. A
 * number sets the row; null removes it (the workspace falls back to the global value, the
 * global value to the built-in default). Every change is audited with its before and after, and
 * the affected keys' KV records are written again so the edge applies it within its cache TTL.
 */
import { and, eq, inArray } from "drizzle-orm";
import { globalLimits, workspaceLimits, workspaces, type LimitName } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { reprojectApiKeys } from "../api-keys/project-api-key.ts";

export type LimitChanges = Partial<Record<LimitName, number | null>>;

export async function setGlobalLimits({ ctx, input }: { ctx: ServiceContext; input: { actorUserId: string; limits: LimitChanges } }): Promise<void> {
  const names = Object.keys(input.limits) as LimitName[];
  if (names.length === 0) return;
  await ctx.db().transaction(async (tx) => {
    const before = await tx.select().from(globalLimits).where(inArray(globalLimits.name, names)).for("update");
    for (const name of names) {
      const value = input.limits[name];
      if (value === null || value === undefined) await tx.delete(globalLimits).where(eq(globalLimits.name, name));
      else
        await tx
          .insert(globalLimits)
          .values({ name, value, updatedById: input.actorUserId })
          .onConflictDoUpdate({ target: globalLimits.name, set: { value, updatedById: input.actorUserId, updatedAt: new Date() } });
    }
    await recordAudit(tx, ctx, {
      workspaceId: null,
      actorUserId: input.actorUserId,
      action: "limits.global.update",
      targetType: "global_limits",
      targetId: null,
      before: Object.fromEntries(names.map((name) => [name, before.find((row) => row.name === name)?.value ?? null])),
      after: Object.fromEntries(names.map((name) => [name, input.limits[name] ?? null])),
    });
  });
  await reprojectApiKeys({ ctx, input: {} });
}

export async function setWorkspaceLimits({ ctx, input }: { ctx: ServiceContext; input: { actorUserId: string; workspaceId: string; limits: LimitChanges } }): Promise<void> {
  const names = Object.keys(input.limits) as LimitName[];
  await ctx.db().transaction(async (tx) => {
    const [workspace] = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, input.workspaceId)).limit(1);
    if (!workspace) throw new ApiError("NOT_FOUND", "Workspace not found");
    if (names.length === 0) return;
    const before = await tx
      .select()
      .from(workspaceLimits)
      .where(and(eq(workspaceLimits.workspaceId, input.workspaceId), inArray(workspaceLimits.name, names)))
      .for("update");
    for (const name of names) {
      const value = input.limits[name];
      if (value === null || value === undefined) await tx.delete(workspaceLimits).where(and(eq(workspaceLimits.workspaceId, input.workspaceId), eq(workspaceLimits.name, name)));
      else
        await tx
          .insert(workspaceLimits)
          .values({ workspaceId: input.workspaceId, name, value, updatedById: input.actorUserId })
          .onConflictDoUpdate({ target: [workspaceLimits.workspaceId, workspaceLimits.name], set: { value, updatedById: input.actorUserId, updatedAt: new Date() } });
    }
    // Recorded twice: in the platform's log (the admin console's actions) and in the workspace's
    // own, where its Admins see who changed their limits.
    const change = {
      actorUserId: input.actorUserId,
      action: "limits.workspace.update",
      targetType: "workspace",
      targetId: input.workspaceId,
      before: Object.fromEntries(names.map((name) => [name, before.find((row) => row.name === name)?.value ?? null])),
      after: Object.fromEntries(names.map((name) => [name, input.limits[name] ?? null])),
    } as const;
    await recordAudit(tx, ctx, { workspaceId: null, ...change });
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, ...change });
  });
  await reprojectApiKeys({ ctx, input: { workspaceId: input.workspaceId } });
}
