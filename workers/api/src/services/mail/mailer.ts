/**
 * The one way the API worker sends e-mail. Services compose a message (compose.ts) and hand it to
 * `ctx.mailer()`; which provider delivers it is the context's business, so tests and the local
 * stack point the same code at the local inbox and production at Resend.
 */

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Rejects with an Error when the provider refuses the message or cannot be reached. */
  send(message: MailMessage): Promise<void>;
}

export const MAIL_NOT_CONFIGURED = "mail is not configured: set RESEND_API_KEY and MAIL_FROM";

/**
 * The mailer of a worker without RESEND_API_KEY and MAIL_FROM: every send rejects and says what
 * to set, so a flow that must send mail fails loudly instead of pretending it sent something.
 */
export const unconfiguredMailer: Mailer = {
  send: () => Promise.reject(new Error(MAIL_NOT_CONFIGURED)),
};
