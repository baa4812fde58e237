/**
 * Deletes an account (S4) with its safety checks:
 * - not yourself (409);
 * - not the owner of a workspace that has other members: ownership is transferred first (409,
 *   naming those workspaces in the message and in `details.workspaces`);
 * - workspaces the user owns alone (no other member), and those already deleted whose purge job
 *   has not yet run, go with the account. Their API keys and
 *   served prompts leave the edge's KV after the rows are gone, so those keys stop at once.
 * Memberships, sessions and the user's own provider keys go by the foreign keys' cascades; audit
 * rows they wrote keep their content with the actor set to null. The audit row of the deletion
 * is platform-level and keeps who was deleted (id, e-mail) and which workspaces went with them.
 *
 * Not deleteWorkspace (services/workspaces/delete-workspace.ts): that one only marks the
 * workspace deleted and leaves its rows to the purge job, but workspaces.owner_id has no ON
 * DELETE action, so the user's row could not go until the job had finished. The workspaces go
 * here in the same transaction as the user; a purge job still queued for one finds nothing left.
 */
import { and, count, eq, inArray, ne } from "drizzle-orm";
import { apiKeys, users, workspaceMembers, workspaces } from "@xr2/db/schema";
import { ApiError, describeError, kvKeys, log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { revokeAllSessions } from "../auth/tokens.ts";

export async function deleteUser({ ctx, input }: { ctx: ServiceContext; input: { actorUserId: string; userId: string } }) {
  if (input.userId === input.actorUserId) throw new ApiError("CONFLICT", "You cannot delete your own account from the admin console");
  const removed = await ctx.db().transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, input.userId)).limit(1);
    if (!user) throw new ApiError("NOT_FOUND", "User not found");
    // Locks the user's row: no session is refreshed and no workspace created meanwhile.
    await revokeAllSessions(tx, user.id);
    // Locks the owned workspaces: a member joining (its row's foreign key) waits until this is decided.
    await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.ownerId, user.id)).for("update");
    const owned = await tx
      .select({ id: workspaces.id, name: workspaces.name, deletedAt: workspaces.deletedAt, others: count(workspaceMembers.userId) })
      .from(workspaces)
      .leftJoin(workspaceMembers, and(eq(workspaceMembers.workspaceId, workspaces.id), ne(workspaceMembers.userId, user.id)))
      .where(eq(workspaces.ownerId, user.id))
      .groupBy(workspaces.id, workspaces.name, workspaces.deletedAt);
    // A workspace already deleted (its purge job still pending) keeps its members' rows until the
    // job runs; it is nobody's to take over, so it goes with the account like a solo one.
    const shared = owned.filter((workspace) => workspace.others > 0 && workspace.deletedAt === null);
    if (shared.length > 0) {
      const names = shared.map((workspace) => `"${workspace.name}" (${workspace.id})`).join(", ");
      throw new ApiError("CONFLICT", `${user.email} is the only owner of ${shared.length === 1 ? "a workspace" : "workspaces"} with other members: ${names}. Transfer ownership to another member first.`, {
        details: { workspaces: shared.map((workspace) => ({ id: workspace.id, name: workspace.name, other_members: workspace.others })) },
      });
    }
    const alone = owned.map((workspace) => workspace.id);
    const keyHashes = alone.length === 0 ? [] : (await tx.select({ keyHash: apiKeys.keyHash }).from(apiKeys).where(inArray(apiKeys.workspaceId, alone))).map((row) => row.keyHash);
    if (alone.length > 0) await tx.delete(workspaces).where(inArray(workspaces.id, alone));
    await tx.delete(users).where(eq(users.id, user.id));
    await recordAudit(tx, ctx, {
      workspaceId: null,
      actorUserId: input.actorUserId,
      action: "user.delete",
      targetType: "user",
      targetId: user.id,
      before: { email: user.email, name: user.name, disabled_at: user.disabledAt?.toISOString() ?? null, is_platform_admin: user.isPlatformAdmin },
      after: { workspaces_deleted: owned.map((workspace) => ({ id: workspace.id, name: workspace.name })) },
    });
    return { user, workspaceIds: alone, keyHashes, workspaces: owned.map((workspace) => ({ id: workspace.id, name: workspace.name })) };
  });
  await removeFromEdge(ctx, removed.workspaceIds, removed.keyHashes);
  return { id: removed.user.id, deleted_workspaces: removed.workspaces };
}

/** The deleted workspaces' entries in KV (API keys first: they are what lets requests in). */
async function removeFromEdge(ctx: ServiceContext, workspaceIds: string[], keyHashes: string[]): Promise<void> {
  try {
    for (const hash of keyHashes) await ctx.kv.delete(kvKeys.apiKey(hash));
    for (const workspaceId of workspaceIds) {
      await ctx.kv.delete(kvKeys.eventDefinitions(workspaceId));
      let cursor: string | undefined;
      do {
        const page: KVNamespaceListResult<unknown> = await ctx.kv.list({ prefix: `prompt:${workspaceId}:`, ...(cursor ? { cursor } : {}) });
        for (const key of page.keys) await ctx.kv.delete(key.name);
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
    }
  } catch (error) {
    log("error", "removing a deleted user's workspaces from KV failed: their keys may still be accepted at the edge", { request_id: ctx.requestId, workspace_ids: workspaceIds, error: describeError(error) });
  }
}
