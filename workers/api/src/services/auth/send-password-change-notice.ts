/**
 * The notice to an account's address after its password changed without the old one: a reset
 * through the e-mailed link, or the password removed because the address's owner signed in with
 * Google (google-account.ts). If it was not them, they learn at once and know what to do. Sent
 * after the change is committed and best-effort: a failure is logged (no address, no secret) and
 * the change stands.
 */
import { describeError, log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { siteLink } from "../links/site-link.ts";
import { composeMail } from "../mail/compose.ts";

export type PasswordChange = "reset" | "removed_by_google_sign_in";

const NOTICES: Record<PasswordChange, { subject: string; paragraphs: string[] }> = {
  reset: {
    subject: "Your xR2 password was changed",
    paragraphs: [
      "Hello,",
      "The password of the xR2 account of this address was just changed with a password-reset link, and every signed-in session was ended.",
      "If this was you, there is nothing to do. If it was not, someone can read this mailbox: secure your e-mail account first, then ask for a new reset link from the sign-in page.",
    ],
  },
  removed_by_google_sign_in: {
    subject: "Your xR2 password sign-in was removed",
    paragraphs: [
      "Hello,",
      "The owner of this address signed in to xR2 with Google. The account's address had not been verified, so its password was removed and every other signed-in session was ended.",
      "If this was you, there is nothing to do: sign in with Google, or set a password with \"Forgot password?\" on the sign-in page. If it was not, secure your Google account and your e-mail account.",
    ],
  },
};

export async function sendPasswordChangeNotice(ctx: ServiceContext, input: { userId: string; email: string; change: PasswordChange }): Promise<void> {
  const notice = NOTICES[input.change];
  try {
    const signIn = ctx.env.SITE_URL === undefined ? undefined : siteLink(ctx.env, "/sign-in");
    await ctx.mailer().send(
      composeMail({ to: input.email, subject: notice.subject, paragraphs: notice.paragraphs, ...(signIn ? { action: { label: "Go to sign-in", url: signIn } } : {}) }),
    );
  } catch (error) {
    log("error", "password change notice not sent", { request_id: ctx.requestId, change: input.change, user_id: input.userId, error: describeError(error) });
  }
}
