/**
 * Resending a pending invitation (Admin): a new token, so the earlier links stop working, a
 * fresh expiry, and the e-mail again. Limited per invitation (resendInvitationPerInvitation) and
 * with every invitation e-mail (invitation-email-allowance.ts: per sender, workspace and address),
 * so an Admin's account cannot be used to flood someone's inbox; an Admin whose own address is
 * not verified gets the new link without an e-mail. Another workspace's invitation is not found.
 */
import { and, eq, isNull } from "drizzle-orm";
import { users, workspaceInvitations, workspaces } from "@xr2/db/schema";
import { ApiError, randomToken, sha256Hex } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { assertRateLimit } from "../rate-limit/assert-rate-limit.ts";
import { allowInvitationEmail } from "./invitation-email-allowance.ts";
import { INVITATION_TTL_DAYS } from "./invite-member.ts";
import { invitationLink, sendInvitationEmail, type InvitationEmailOutcome } from "./send-invitation-email.ts";

export async function resendInvitation({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; invitationId: string } }) {
  const scope = and(eq(workspaceInvitations.id, input.invitationId), eq(workspaceInvitations.workspaceId, input.workspaceId));
  const [known] = await ctx.http().select().from(workspaceInvitations).where(scope).limit(1);
  if (!known) throw new ApiError("NOT_FOUND", "Invitation not found");
  // Refused before the limits count it (and again under the row lock below, for a race).
  assertPending(known);
  await assertRateLimit(ctx, { policy: "resendInvitationPerInvitation", identifier: known.id, refusal: (retryAfter) => `This invitation was resent too often; retry in ${retryAfter} s` });
  const allowance = await allowInvitationEmail(ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, email: known.email, action: "resend" });

  const token = `inv_${randomToken()}`;
  const expiresAt = new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);
  const resent = await ctx.db().transaction(async (tx) => {
    const [invitation] = await tx.select().from(workspaceInvitations).where(scope).for("update").limit(1);
    if (!invitation) throw new ApiError("NOT_FOUND", "Invitation not found");
    assertPending(invitation);
    await tx
      .update(workspaceInvitations)
      .set({ tokenHash: sha256Hex(token), expiresAt })
      .where(and(eq(workspaceInvitations.id, invitation.id), isNull(workspaceInvitations.acceptedAt), isNull(workspaceInvitations.revokedAt)));
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "member.invite_resend", targetType: "invitation", targetId: invitation.id, after: { email: invitation.email, role: invitation.role } });
    const [workspace] = await tx.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, input.workspaceId));
    // The e-mail names who invited, as the invitation page does; the resending Admin if that person is gone.
    const [inviter] = await tx
      .select({ name: users.name, email: users.email, emailVerifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(eq(users.id, invitation.invitedById ?? input.actorUserId));
    return { invitation, workspaceName: workspace!.name, inviter: inviter ? { name: inviter.name, email: inviter.email, emailVerified: inviter.emailVerifiedAt !== null } : null };
  });
  const { invitation } = resent;
  const outcome: InvitationEmailOutcome = allowance.send
    ? await sendInvitationEmail(ctx, { invitationId: invitation.id, to: invitation.email, token, role: invitation.role, expiresAt, workspaceName: resent.workspaceName, inviter: resent.inviter })
    : { email_sent: false, email_not_sent_reason: allowance.reason };
  return { id: invitation.id, email: invitation.email, role: invitation.role, invite_token: token, invite_url: invitationLink(ctx, token), expires_at: expiresAt.toISOString(), ...outcome };
}

function assertPending(invitation: { acceptedAt: Date | null; revokedAt: Date | null }): void {
  if (invitation.acceptedAt !== null) throw new ApiError("CONFLICT", "This invitation was already accepted");
  if (invitation.revokedAt !== null) throw new ApiError("CONFLICT", "This invitation was withdrawn; invite the address again");
}
