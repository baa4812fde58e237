/**
 * The inbox's messages, in memory and bounded: past `maxMessages` the oldest are dropped, so a
 * long `npm run dev` session or a test run cannot grow it without end.
 */
import { randomUUID } from "node:crypto";

export interface StoredMessage {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  reply_to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  created_at: string;
}

export type NewMessage = Omit<StoredMessage, "id" | "created_at">;

export class MessageStore {
  /** Oldest first; listings reverse it. */
  private readonly stored: StoredMessage[] = [];

  constructor(private readonly maxMessages: number) {}

  add(message: NewMessage): StoredMessage {
    const saved = { id: randomUUID(), ...message, created_at: new Date().toISOString() };
    this.stored.push(saved);
    if (this.stored.length > this.maxMessages) this.stored.splice(0, this.stored.length - this.maxMessages);
    return saved;
  }

  get(id: string): StoredMessage | undefined {
    return this.stored.find((message) => message.id === id);
  }

  /** Newest first; with `to`, only messages addressed to it (to, cc or bcc; case-insensitive). */
  list(to?: string): StoredMessage[] {
    const wanted = to?.trim().toLowerCase();
    const newestFirst = [...this.stored].reverse();
    if (!wanted) return newestFirst;
    return newestFirst.filter((message) => [...message.to, ...message.cc, ...message.bcc].some((address) => bareAddress(address) === wanted));
  }

  clear(): void {
    this.stored.length = 0;
  }
}

/** "Pat <pat@example.com>" → "pat@example.com". */
export function bareAddress(address: string): string {
  return (/<([^<>]+)>\s*$/.exec(address)?.[1] ?? address).trim().toLowerCase();
}
