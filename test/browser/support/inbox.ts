/**
 * The local inbox as a person reads it, for browser tests: wait for the e-mail to an address that
 * carries a link to a page of the site, and take that link (to open it with the page). Reads the
 * inbox's JSON listing (GET <mail origin>/api/messages?to=…, newest first).
 */
import { expect } from "vitest";

export interface InboxMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  created_at: string;
}

export interface MailedLink {
  message: InboxMessage;
  link: URL;
}

/** The links in a message's plain text whose path starts with `path`, in order. */
export function linksIn(message: InboxMessage, path: string): URL[] {
  return [...message.text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)].map((match) => new URL(match[0])).filter((url) => url.pathname.startsWith(path));
}

export function inbox(mailOrigin: string) {
  const messagesTo = async (to: string): Promise<InboxMessage[]> => {
    const response = await fetch(`${mailOrigin}/api/messages?to=${encodeURIComponent(to)}`);
    if (!response.ok) throw new Error(`the inbox answered ${response.status}`);
    const body = (await response.json()) as InboxMessage[] | { messages: InboxMessage[] };
    return Array.isArray(body) ? body : body.messages;
  };
  return {
    messagesTo,
    /** The ids of the messages to `to` so far: pass them to `waitForLink` to wait for a newer one. */
    async idsFor(to: string): Promise<Set<string>> {
      return new Set((await messagesTo(to)).map((message) => message.id));
    },
    /** The newest message to `to` (not among `seen`) with a link to `path`, and that link; fails after 15 s. */
    async waitForLink(to: string, path: string, seen: ReadonlySet<string> = new Set()): Promise<MailedLink> {
      let found: MailedLink | undefined;
      await expect
        .poll(
          async () => {
            const message = (await messagesTo(to)).find((candidate) => !seen.has(candidate.id) && linksIn(candidate, path).length > 0);
            found = message ? { message, link: linksIn(message, path)[0]! } : undefined;
            return found !== undefined;
          },
          { timeout: 15_000, message: `an e-mail to ${to} with a link to ${path}` },
        )
        .toBe(true);
      return found!;
    },
  };
}
