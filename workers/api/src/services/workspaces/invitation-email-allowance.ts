/**
 * Whether an invitation (new or resent) may go out by e-mail, decided before anything is
 * written. Only an account whose own address is verified sends invitation e-mail: an unverified
 * address proves nobody's identity, so its invitations are created without e-mail and the Admin
 * shares the link. Invitation e-mails are limited per sending user, per workspace and per
 * invited address in the workspace (re-inviting or resending the same address counts there
 * too); past a limit the call is refused with 429 and nothing is created or rotated.
 */
import { eq } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { ApiError, sha256Hex } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { assertRateLimit } from "../rate-limit/assert-rate-limit.ts";

export const UNVERIFIED_SENDER_REASON = "Verify your e-mail address to send invitations by e-mail; until then, share the invitation link yourself";

export type InvitationEmailAllowance = { send: true } | { send: false; reason: string };

export async function allowInvitationEmail(
  ctx: ServiceContext,
  input: { workspaceId: string; actorUserId: string; email: string; action: "invite" | "resend" },
): Promise<InvitationEmailAllowance> {
  const [actor] = await ctx.http().select({ emailVerifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, input.actorUserId)).limit(1);
  if (!actor) throw new ApiError("UNAUTHENTICATED", "This account no longer exists or is disabled");
  if (actor.emailVerifiedAt === null) return { send: false, reason: UNVERIFIED_SENDER_REASON };
  const undone = input.action === "invite" ? "the invitation was not created" : "the invitation was not resent";
  const refusal = (who: string) => (retryAfter: number) => `Too many invitation e-mails ${who} in the last hour; ${undone}. Retry in ${retryAfter} s`;
  // The address is hashed: Redis keys must not hold who was invited.
  const address = sha256Hex(input.email.trim().toLowerCase());
  await assertRateLimit(ctx, { policy: "invitationEmailsPerWorkspaceAndEmail", identifier: `${input.workspaceId}:${address}`, refusal: refusal("to this address from this workspace") });
  await assertRateLimit(ctx, { policy: "invitationEmailsPerUser", identifier: input.actorUserId, refusal: refusal("sent by you") });
  await assertRateLimit(ctx, { policy: "invitationEmailsPerWorkspace", identifier: input.workspaceId, refusal: refusal("sent from this workspace") });
  return { send: true };
}
