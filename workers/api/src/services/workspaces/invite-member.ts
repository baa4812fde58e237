/**
 * Invitations by e-mail link: the token is returned once (for the link the Admin may copy), sent
 * in the invitation e-mail, and stored only as SHA-256; it expires after INVITATION_TTL_DAYS and
 * works once. Inviting the same address again replaces the pending invitation. The e-mail goes
 * out after the invitation is committed, if allowed (invitation-email-allowance.ts: a verified
 * inviter, within the limits, else 429 before anything is written); `email_sent` says whether the
 * provider took it and `email_not_sent_reason` why not.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { users, workspaceInvitations, workspaceMembers, workspaces } from "@xr2/db/schema";
import { ApiError, newId, randomToken, sha256Hex } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import type { Role } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { allowInvitationEmail } from "./invitation-email-allowance.ts";
import { invitationLink, sendInvitationEmail, type InvitationEmailOutcome } from "./send-invitation-email.ts";

export const INVITATION_TTL_DAYS = 7;

export async function inviteMember({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; actorUserId: string; email: string; role: Role };
}) {
  const email = input.email.trim().toLowerCase();
  const token = `inv_${randomToken()}`;
  const allowance = await allowInvitationEmail(ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, email, action: "invite" });
  const invitation = { id: newId("invitation"), expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000) };
  const names = await ctx.db().transaction(async (tx) => {
    const [member] = await tx
      .select({ userId: workspaceMembers.userId })
      .from(workspaceMembers)
      .innerJoin(users, eq(users.id, workspaceMembers.userId))
      .where(and(eq(workspaceMembers.workspaceId, input.workspaceId), sql`lower(${users.email}) = ${email}`))
      .limit(1);
    if (member) throw new ApiError("CONFLICT", `${email} is already a member of this workspace`);
    await tx
      .update(workspaceInvitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(workspaceInvitations.workspaceId, input.workspaceId), sql`lower(${workspaceInvitations.email}) = ${email}`, isNull(workspaceInvitations.acceptedAt), isNull(workspaceInvitations.revokedAt)));
    await tx.insert(workspaceInvitations).values({
      id: invitation.id,
      workspaceId: input.workspaceId,
      email,
      role: input.role,
      tokenHash: sha256Hex(token),
      invitedById: input.actorUserId,
      expiresAt: invitation.expiresAt,
    });
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "member.invite", targetType: "invitation", targetId: invitation.id, after: { email, role: input.role } });
    const [workspace] = await tx.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, input.workspaceId));
    const [inviter] = await tx.select({ name: users.name, email: users.email, emailVerifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, input.actorUserId));
    return { workspaceName: workspace!.name, inviter: inviter ? { name: inviter.name, email: inviter.email, emailVerified: inviter.emailVerifiedAt !== null } : null };
  });
  const outcome: InvitationEmailOutcome = allowance.send
    ? await sendInvitationEmail(ctx, { invitationId: invitation.id, to: email, token, role: input.role, expiresAt: invitation.expiresAt, ...names })
    : { email_sent: false, email_not_sent_reason: allowance.reason };
  return { id: invitation.id, email, role: input.role, invite_token: token, invite_url: invitationLink(ctx, token), expires_at: invitation.expiresAt.toISOString(), ...outcome };
}
