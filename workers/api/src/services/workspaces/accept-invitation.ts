/**
 * Joining a workspace from an invitation link. The link only works for the invited address, and
 * only once the account has proven it owns that address (verified): otherwise whoever registered
 * the address first, without owning it, could join with a forwarded or leaked link.
 */
import { and, eq, isNull } from "drizzle-orm";
import { workspaceInvitations, workspaceMembers, workspaces } from "@xr2/db/schema";
import { ApiError, sha256Hex } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";

export async function acceptInvitation({ ctx, input }: { ctx: ServiceContext; input: { token: string; user: { id: string; email: string; emailVerified: boolean } } }) {
  const tokenHash = sha256Hex(input.token);
  return ctx.db().transaction(async (tx) => {
    const [invitation] = await tx.select().from(workspaceInvitations).where(eq(workspaceInvitations.tokenHash, tokenHash)).for("update").limit(1);
    if (!invitation || invitation.revokedAt !== null) throw new ApiError("NOT_FOUND", "This invitation does not exist or was withdrawn");
    // Shared with the deletion's lock on the row: nobody joins a workspace being deleted.
    const [live] = await tx.select({ deletedAt: workspaces.deletedAt }).from(workspaces).where(eq(workspaces.id, invitation.workspaceId)).for("share");
    if (!live || live.deletedAt !== null) throw new ApiError("NOT_FOUND", "This invitation does not exist or was withdrawn");
    if (invitation.acceptedAt !== null) throw new ApiError("CONFLICT", "This invitation was already used");
    if (invitation.expiresAt.getTime() <= Date.now()) throw new ApiError("CONFLICT", "This invitation has expired; ask for a new one");
    if (invitation.email.toLowerCase() !== input.user.email.toLowerCase()) {
      throw new ApiError("FORBIDDEN", "This invitation was sent to another e-mail address; sign in with that address to accept it");
    }
    if (!input.user.emailVerified) {
      throw new ApiError("FORBIDDEN", `Verify your e-mail address first: open the link we sent to ${input.user.email} (or resend it), then accept the invitation`);
    }
    const joined = await tx
      .insert(workspaceMembers)
      .values({ workspaceId: invitation.workspaceId, userId: input.user.id, role: invitation.role })
      .onConflictDoNothing()
      .returning({ role: workspaceMembers.role });
    if (joined.length === 0) throw new ApiError("CONFLICT", "You are already a member of this workspace");
    await tx
      .update(workspaceInvitations)
      .set({ acceptedAt: new Date(), acceptedById: input.user.id })
      .where(and(eq(workspaceInvitations.id, invitation.id), isNull(workspaceInvitations.acceptedAt)));
    await recordAudit(tx, ctx, { workspaceId: invitation.workspaceId, actorUserId: input.user.id, action: "member.join", targetType: "member", targetId: input.user.id, after: { role: invitation.role, invitation_id: invitation.id } });
    const [workspace] = await tx.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, invitation.workspaceId));
    return { workspace_id: workspace!.id, name: workspace!.name, role: invitation.role };
  });
}
