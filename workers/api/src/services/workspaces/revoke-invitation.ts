/** Withdrawing a pending invitation: its link then answers "does not exist or was withdrawn". */
import { and, eq, isNull } from "drizzle-orm";
import { workspaceInvitations } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";

export async function revokeInvitation({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; invitationId: string } }): Promise<void> {
  await ctx.db().transaction(async (tx) => {
    const [invitation] = await tx
      .select()
      .from(workspaceInvitations)
      .where(and(eq(workspaceInvitations.id, input.invitationId), eq(workspaceInvitations.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!invitation) throw new ApiError("NOT_FOUND", "Invitation not found");
    if (invitation.acceptedAt !== null) throw new ApiError("CONFLICT", "This invitation was already accepted; remove the member instead");
    if (invitation.revokedAt !== null) return;
    await tx
      .update(workspaceInvitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(workspaceInvitations.id, invitation.id), isNull(workspaceInvitations.revokedAt)));
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "member.invite_revoke",
      targetType: "invitation",
      targetId: invitation.id,
      before: { email: invitation.email, role: invitation.role },
    });
  });
}
