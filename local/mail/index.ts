/**
 * A local inbox for development and tests only; production never talks to it. It speaks the
 * slice of Resend's HTTP API the API worker uses (`POST /emails`, `GET /emails/{id}`, bearer key
 * checked, Resend's validation and error shapes), keeps what it receives in memory instead of
 * delivering it, and shows it: an inbox page at `/`, each message at `/messages/{id}`, and a JSON
 * listing for tests at `GET /api/messages?to=` (newest first; `DELETE /api/messages` clears).
 *
 * Known differences from Resend, all deliberate: nothing is delivered or scheduled (every message
 * is "delivered" at once), the sender's domain is not checked against verified domains,
 * attachments, tags and headers are accepted and dropped, there is no rate limit, and batch,
 * domains, audiences and the rest of the API are not served (404). Kept in memory: at most
 * `maxMessages` (oldest dropped) and bodies up to `maxBodyBytes`.
 */
import type { AddressInfo } from "node:net";
import { createInboxServer } from "./server.ts";
import { MessageStore, type StoredMessage } from "./store.ts";

export type { StoredMessage };
export { latestMailId, linkIn, listMail, waitForMail, type InboxMessage } from "./read-inbox.ts";

export interface MailInbox {
  /** The inbox's origin: Resend's API base URL for the workers, and the inbox page. */
  url: string;
  apiKey: string;
  /** What it holds, newest first. */
  messages(): StoredMessage[];
  close(): Promise<void>;
}

export interface StartMailInboxOptions {
  /** The key clients must send as `Authorization: Bearer …`. */
  apiKey: string;
  /** 0 or undefined: a free port. */
  port?: number;
  host?: string;
  /** Default 1000. */
  maxMessages?: number;
  /** Default 1 MiB per request. */
  maxBodyBytes?: number;
  /** One JSON line per message received (addressee and subject, never the body); silent by default. */
  log?: (line: string) => void;
}

export async function startMailInbox(options: StartMailInboxOptions): Promise<MailInbox> {
  const host = options.host ?? "127.0.0.1";
  const maxMessages = options.maxMessages ?? 1000;
  const store = new MessageStore(maxMessages);
  const server = createInboxServer({ apiKey: options.apiKey, store, maxMessages, maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024, log: options.log ?? (() => {}) });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    apiKey: options.apiKey,
    messages: () => store.list(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
