/**
 * The invitation e-mail: who invites, to which workspace, with which role, and the link
 * (`${SITE_URL}/invitations/{token}`). The same link is in the inviting Admin's answer, so a
 * mail that could not be sent is logged (without the token) and reported with its reason; the
 * Admin can copy the link or resend. The inviter's address is named only when verified: an
 * unverified one proves nobody's identity.
 */
import { describeError, log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import type { Role } from "../../permissions.ts";
import { siteLink } from "../links/site-link.ts";
import { composeMail } from "../mail/compose.ts";

export interface InvitationEmail {
  invitationId: string;
  to: string;
  token: string;
  role: Role;
  expiresAt: Date;
  workspaceName: string;
  inviter: { name: string; email: string; emailVerified: boolean } | null;
}

/** What the Admin's answer says about the e-mail: sent, or why not. */
export interface InvitationEmailOutcome {
  email_sent: boolean;
  email_not_sent_reason: string | null;
}

const PROVIDER_FAILED_REASON = "The e-mail could not be sent; share the invitation link yourself or resend it later";

const ROLE_NAMES: Record<Role, string> = { admin: "an Admin", member: "a Member", viewer: "a Viewer" };

/** Names typed by users go into a header line: no line breaks or other control characters. */
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();

const invitationPath = (token: string) => `/invitations/${encodeURIComponent(token)}`;

/** The link for the Admin's answer; null when SITE_URL is not set (the token is still there). */
export function invitationLink(ctx: ServiceContext, token: string): string | null {
  return ctx.env.SITE_URL === undefined ? null : siteLink(ctx.env, invitationPath(token));
}

export async function sendInvitationEmail(ctx: ServiceContext, invitation: InvitationEmail): Promise<InvitationEmailOutcome> {
  const workspace = oneLine(invitation.workspaceName);
  const inviterName = invitation.inviter ? oneLine(invitation.inviter.name) : "An Admin";
  const inviter = invitation.inviter?.emailVerified ? `${inviterName} (${invitation.inviter.email})` : inviterName;
  try {
    await ctx.mailer().send(
      composeMail({
        to: invitation.to,
        subject: `${inviterName} invited you to ${workspace} on xR2`,
        paragraphs: [
          `${inviter} invited you to join the workspace "${workspace}" on xR2 as ${ROLE_NAMES[invitation.role]}.`,
          `Sign in or create an account with this address (${invitation.to}) to accept.`,
        ],
        action: { label: "See the invitation", url: siteLink(ctx.env, invitationPath(invitation.token)) },
        footer: `The invitation expires on ${invitation.expiresAt.toISOString().slice(0, 10)}. If you did not expect it, ignore this e-mail.`,
      }),
    );
    return { email_sent: true, email_not_sent_reason: null };
  } catch (error) {
    log("error", "invitation e-mail not sent", { request_id: ctx.requestId, invitation_id: invitation.invitationId, error: describeError(error) });
    return { email_sent: false, email_not_sent_reason: PROVIDER_FAILED_REASON };
  }
}
