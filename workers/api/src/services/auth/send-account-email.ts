/**
 * The e-mails of an account's own address: the verification link and the password-reset link.
 * Each issues a fresh single-use token (earlier links of the purpose stop working) and sends
 * it. A provider failure is logged — without the token or the link — and reported as `false`:
 * the request that asked carries on (registration succeeds, the user can ask again).
 */
import type { AccountTokenPurpose } from "@xr2/db/schema";
import { describeError, log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { siteLink } from "../links/site-link.ts";
import { composeMail } from "../mail/compose.ts";
import { issueAccountToken } from "./account-tokens.ts";

interface Recipient {
  id: string;
  email: string;
  name: string;
}

const MAILS: Record<AccountTokenPurpose, { path: string; subject: string; paragraphs: (name: string) => string[]; label: string; footer: string }> = {
  verify_email: {
    path: "/verify-email",
    subject: "Confirm your e-mail address for xR2",
    paragraphs: (name) => [`Hello ${name},`, "Please confirm that this address is yours, so you can recover your xR2 account if you ever lose your password."],
    label: "Confirm my address",
    footer: "The link works once, for 24 hours. If you did not create an xR2 account, ignore this e-mail.",
  },
  reset_password: {
    path: "/reset-password",
    subject: "Reset your xR2 password",
    paragraphs: (name) => [`Hello ${name},`, "Someone (hopefully you) asked to reset the password of the xR2 account of this address. Choose a new password with the link below; every signed-in session will end."],
    label: "Choose a new password",
    footer: "The link works once, for 1 hour. If you did not ask, ignore this e-mail: your password stays as it is.",
  },
};

export async function sendAccountEmail(ctx: ServiceContext, user: Recipient, purpose: AccountTokenPurpose): Promise<boolean> {
  const mail = MAILS[purpose];
  try {
    const token = await issueAccountToken(ctx, { userId: user.id, email: user.email, purpose });
    await ctx.mailer().send(
      composeMail({
        to: user.email,
        subject: mail.subject,
        paragraphs: mail.paragraphs(user.name),
        action: { label: mail.label, url: siteLink(ctx.env, mail.path, { token }) },
        footer: mail.footer,
      }),
    );
    return true;
  } catch (error) {
    log("error", "account e-mail not sent", { request_id: ctx.requestId, purpose, user_id: user.id, error: describeError(error) });
    return false;
  }
}
