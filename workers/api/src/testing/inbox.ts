/**
 * The local inbox the worker tests' mail goes to (started by test/support/local-services.ts):
 * wait for the e-mail a flow sends, then follow its link as the addressee would.
 */
import { inject } from "vitest";
import * as inbox from "../../../../local/mail/read-inbox.ts";

export type { InboxMessage } from "../../../../local/mail/read-inbox.ts";

const INBOX_URL = inject("mail").INBOX_URL;

/** The newest message to `to` (matching `subject`, newer than `after`); rejects when none arrives within 10 s. */
export function waitForMail(to: string, options?: { subject?: RegExp; after?: string }): Promise<inbox.InboxMessage> {
  return inbox.waitForMail(INBOX_URL, to, options);
}

/** The id of the newest message to `to`, for `waitForMail`'s `after`. */
export function latestMailId(to: string): Promise<string | undefined> {
  return inbox.latestMailId(INBOX_URL, to);
}

/** Every message to `to`, newest first (to show that something was not sent). */
export function listMail(to: string): Promise<inbox.InboxMessage[]> {
  return inbox.listMail(INBOX_URL, to);
}

/** The first link in the message's text whose path starts with `path`. */
export const linkIn = inbox.linkIn;
