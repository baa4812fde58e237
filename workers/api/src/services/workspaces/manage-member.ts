/**
 * Role changes, removals and ownership transfer. The owner is always an Admin and cannot be
 * demoted or removed: ownership moves first (to another member, who becomes Admin).
 */
import { and, eq, isNull } from "drizzle-orm";
import { accessTokens, workspaceMembers, workspaces } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import type { Role } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";

async function lockMembership(tx: Transaction, workspaceId: string, userId: string) {
  const [row] = await tx
    .select({ role: workspaceMembers.role, ownerId: workspaces.ownerId })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)))
    .for("update")
    .limit(1);
  if (!row) throw new ApiError("NOT_FOUND", "No such member in this workspace");
  return row;
}

export async function changeMemberRole({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; userId: string; role: Role } }) {
  return ctx.db().transaction(async (tx) => {
    const member = await lockMembership(tx, input.workspaceId, input.userId);
    if (member.ownerId === input.userId && input.role !== "admin") throw new ApiError("CONFLICT", "The owner is always an Admin; transfer ownership first");
    await tx.update(workspaceMembers).set({ role: input.role }).where(and(eq(workspaceMembers.workspaceId, input.workspaceId), eq(workspaceMembers.userId, input.userId)));
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "member.role_change", targetType: "member", targetId: input.userId, before: { role: member.role }, after: { role: input.role } });
    return { user_id: input.userId, role: input.role };
  });
}

export async function removeMember({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; userId: string } }) {
  await ctx.db().transaction(async (tx) => {
    const member = await lockMembership(tx, input.workspaceId, input.userId);
    if (member.ownerId === input.userId) throw new ApiError("CONFLICT", "The owner cannot be removed; transfer ownership first");
    await tx.delete(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, input.workspaceId), eq(workspaceMembers.userId, input.userId)));
    // Their access tokens for this workspace end with the membership: invited again later, they
    // start without them instead of finding old tokens working again.
    const revoked = await tx
      .update(accessTokens)
      .set({ revokedAt: new Date(), revokedById: input.actorUserId })
      .where(and(eq(accessTokens.workspaceId, input.workspaceId), eq(accessTokens.createdById, input.userId), isNull(accessTokens.revokedAt)))
      .returning({ id: accessTokens.id });
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "member.remove", targetType: "member", targetId: input.userId, before: { role: member.role }, after: { access_tokens_revoked: revoked.map((token) => token.id) } });
  });
}

export async function transferOwnership({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; userId: string } }) {
  return ctx.db().transaction(async (tx) => {
    const actor = await lockMembership(tx, input.workspaceId, input.actorUserId);
    if (actor.ownerId !== input.actorUserId) throw new ApiError("FORBIDDEN", "Only the owner can transfer ownership");
    const next = await lockMembership(tx, input.workspaceId, input.userId);
    await tx.update(workspaces).set({ ownerId: input.userId }).where(eq(workspaces.id, input.workspaceId));
    if (next.role !== "admin") await tx.update(workspaceMembers).set({ role: "admin" }).where(and(eq(workspaceMembers.workspaceId, input.workspaceId), eq(workspaceMembers.userId, input.userId)));
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "workspace.transfer", targetType: "workspace", targetId: input.workspaceId, before: { owner_id: input.actorUserId }, after: { owner_id: input.userId } });
    return { id: input.workspaceId, owner_id: input.userId };
  });
}
