/**
 * The e-mails of an account's own address: the verification link and the password-reset link.
 * Each issues a fresh single-use token and sends it; only once the provider took the mail do
 * earlier links beyond what the purpose keeps stop working (account-tokens.ts), so a provider
 * failure leaves the links already sent usable. A failure is logged — without the token or the
 * link — and reported as `false`: the request that asked carries on (registration succeeds, the
 * user can ask again). The mails greet nobody by name: the name is whatever was typed at sign-up,
 * and an e-mail from us must not carry a stranger's text to the address.
 */
import type { AccountTokenPurpose } from "@xr2/db/schema";
import { describeError, log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { siteLink } from "../links/site-link.ts";
import { composeMail } from "../mail/compose.ts";
import { issueAccountToken, keepNewestAccountTokens, withdrawAccountToken } from "./account-tokens.ts";

interface Recipient {
  id: string;
  email: string;
}

const MAILS: Record<AccountTokenPurpose, { path: string; subject: string; paragraphs: string[]; label: string; footer: string }> = {
  verify_email: {
    path: "/verify-email",
    subject: "Confirm your e-mail address for xR2",
    paragraphs: ["Hello,", "Please confirm that this address is yours, so you can recover your xR2 account if you ever lose your password."],
    label: "Confirm my address",
    footer: "The link works once, for 24 hours. If you did not create an xR2 account, ignore this e-mail.",
  },
  reset_password: {
    path: "/reset-password",
    subject: "Reset your xR2 password",
    paragraphs: ["Hello,", "Someone (hopefully you) asked to reset the password of the xR2 account of this address. Choose a new password with the link below; every signed-in session will end."],
    label: "Choose a new password",
    footer: "The link works once, for 1 hour. If you did not ask, ignore this e-mail: your password stays as it is.",
  },
};

export async function sendAccountEmail(ctx: ServiceContext, user: Recipient, purpose: AccountTokenPurpose): Promise<boolean> {
  const mail = MAILS[purpose];
  let issued: { id: string; token: string } | undefined;
  try {
    issued = await issueAccountToken(ctx, { userId: user.id, email: user.email, purpose });
    await ctx.mailer().send(
      composeMail({
        to: user.email,
        subject: mail.subject,
        paragraphs: mail.paragraphs,
        action: { label: mail.label, url: siteLink(ctx.env, mail.path, { token: issued.token }) },
        footer: mail.footer,
      }),
    );
  } catch (error) {
    log("error", "account e-mail not sent", { request_id: ctx.requestId, purpose, user_id: user.id, error: describeError(error) });
    if (issued) await withdrawAccountToken(ctx, issued.id).catch((cleanup: unknown) => log("error", "unsent account token not withdrawn", { request_id: ctx.requestId, purpose, user_id: user.id, error: describeError(cleanup) }));
    return false;
  }
  try {
    await keepNewestAccountTokens(ctx, { userId: user.id, purpose });
  } catch (error) {
    // The mail went out; older links outliving their turn (until they expire) is the lesser harm.
    log("error", "earlier account tokens not trimmed", { request_id: ctx.requestId, purpose, user_id: user.id, error: describeError(error) });
  }
  return true;
}
