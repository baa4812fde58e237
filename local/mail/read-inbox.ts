/**
 * Reading the local inbox the way a test does, over its JSON listing: wait for the e-mail a flow
 * sends, then find the link in it a person would follow. Plain fetch only, so the same code runs
 * in Node tests and in worker tests inside workerd (workers/api/src/testing/inbox.ts).
 */

/** One entry of `GET /api/messages`. */
export interface InboxMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  created_at: string;
}

export interface WaitForMailOptions {
  subject?: RegExp;
  /** Only messages that arrived after this one (an id from an earlier listing). */
  after?: string | undefined;
  /** Default 10 s. */
  timeoutMs?: number;
}

/** The messages to `to` (all when omitted), newest first. */
export async function listMail(inboxUrl: string, to?: string): Promise<InboxMessage[]> {
  const url = new URL("/api/messages", inboxUrl);
  if (to !== undefined) url.searchParams.set("to", to);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the inbox at ${inboxUrl} answered ${response.status} to GET /api/messages`);
  return (await response.json()) as InboxMessage[];
}

/** The id of the newest message to `to`, to pass as `after` before triggering the next one. */
export async function latestMailId(inboxUrl: string, to: string): Promise<string | undefined> {
  return (await listMail(inboxUrl, to))[0]?.id;
}

/** The newest message to `to` (matching `subject`, newer than `after`); rejects when none arrives in time. */
export async function waitForMail(inboxUrl: string, to: string, options: WaitForMailOptions = {}): Promise<InboxMessage> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let seen = 0;
  for (;;) {
    const messages = await listMail(inboxUrl, to);
    seen = messages.length;
    const afterIndex = options.after === undefined ? -1 : messages.findIndex((message) => message.id === options.after);
    const newer = afterIndex === -1 ? messages : messages.slice(0, afterIndex);
    const found = newer.find((message) => options.subject === undefined || options.subject.test(message.subject));
    if (found) return found;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const wanted = [options.subject ? `with a subject matching ${String(options.subject)}` : "", options.after ? `after ${options.after}` : ""].filter(Boolean).join(" ");
  throw new Error(`no e-mail to ${to}${wanted ? ` ${wanted}` : ""} arrived in ${options.timeoutMs ?? 10_000} ms (the inbox holds ${seen} for that address)`);
}

/** The first http(s) link in the message's plain text whose path starts with `path`. */
export function linkIn(message: Pick<InboxMessage, "subject" | "text">, path: string): URL {
  for (const [candidate] of (message.text ?? "").matchAll(/https?:\/\/[^\s<>"']+/g)) {
    const url = new URL(candidate);
    if (url.pathname.startsWith(path)) return url;
  }
  throw new Error(`the e-mail "${message.subject}" has no link to ${path} in its text`);
}
