// A message's whole life, in memory: wait for its not-before time, take its queue's turn (queues
// deliver one message at a time, in order), deliver signed with exponential-backoff retries, then
// publish the success or failure callback. One wait mechanism serves delays, backoff and cancel.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { signDelivery } from "./signing.ts";

export const DEFAULT_RETRIES = 3;
const DEDUPLICATION_WINDOW_MS = 10 * 60_000;
const CLOSE_GRACE_MS = 1_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export type MessageState = "CREATED" | "ACTIVE" | "RETRY" | "DELIVERED" | "FAILED" | "CANCELED";
const FINISHED: ReadonlySet<MessageState> = new Set(["DELIVERED", "FAILED", "CANCELED"]);

/** What a publish asks for; a schedule keeps one and publishes it on every firing. */
export interface MessageTemplate {
  url: string;
  method: string;
  /** Sent to the destination as they are (forwarded headers and content-type). */
  headers: Record<string, string>;
  body: Buffer;
  retries: number;
  delayMs: number;
  notBeforeMs?: number;
  timeoutMs: number;
  callback?: string;
  failureCallback?: string;
  deduplicationId?: string;
}

export interface Message extends MessageTemplate {
  messageId: string;
  createdAt: number;
  notBefore: number;
  state: MessageState;
  retried: number;
  queueName?: string;
  scheduleId?: string;
  /** Ends the current wait early (cancel, close). */
  wake?: () => void;
}

export type PublishResult = { messageId: string; url: string; deduplicated?: true };
type Outcome = { ok: boolean; nonRetryable: boolean; status?: number; headers: Headers; body: Buffer };

export function newId(prefix: "msg" | "scd"): string {
  return `${prefix}_${randomBytes(18).toString("base64url")}`;
}

export function headerRecord(headers: Headers | Record<string, string>): Record<string, string[]> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  return Object.fromEntries(entries.map(([name, value]) => [name, [value]]));
}

export class Deliveries {
  private readonly messages = new Map<string, Message>();
  private readonly deduplication = new Map<string, { messageId: string; at: number }>();
  private readonly queueTails = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(
    private readonly options: { signingKey: string; retryBaseDelayMs: number; log: (line: string) => void },
  ) {}

  publish(template: MessageTemplate, origin: { queueName?: string; scheduleId?: string } = {}): PublishResult {
    const now = Date.now();
    const key = template.deduplicationId;
    const seen = key === undefined ? undefined : this.deduplication.get(key);
    if (seen && now - seen.at < DEDUPLICATION_WINDOW_MS) {
      return { messageId: seen.messageId, url: template.url, deduplicated: true };
    }
    const message: Message = {
      ...template,
      ...origin,
      messageId: newId("msg"),
      createdAt: now,
      notBefore: template.notBeforeMs ?? now + template.delayMs,
      state: "CREATED",
      retried: 0,
    };
    this.messages.set(message.messageId, message);
    if (key !== undefined) this.deduplication.set(key, { messageId: message.messageId, at: now });
    const run: Promise<void> = this.lifecycle(message)
      .catch((error: unknown) => this.log({ event: "delivery-error", messageId: message.messageId, error: String(error) }))
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return { messageId: message.messageId, url: message.url };
  }

  get(messageId: string): Message | undefined {
    return this.messages.get(messageId);
  }

  /** Cancels a message that has not finished; an attempt already on the wire is not retried. */
  cancel(messageId: string): boolean {
    const message = this.messages.get(messageId);
    if (!message || FINISHED.has(message.state)) return false;
    message.state = "CANCELED";
    message.wake?.();
    return true;
  }

  /** Stops every wait, lets attempts on the wire finish for a moment, then aborts them. */
  async close(): Promise<void> {
    this.closed = true;
    for (const message of this.messages.values()) message.wake?.();
    const settled = Promise.allSettled([...this.running]);
    await Promise.race([settled, sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
    this.abort.abort();
    await settled;
  }

  private async lifecycle(message: Message): Promise<void> {
    const stopped = (): boolean => this.closed || message.state === "CANCELED";
    // Timers overflow past ~24.8 days, so far not-before times are waited for in steps.
    while (!stopped() && Date.now() < message.notBefore) {
      await this.wait(message, Math.min(message.notBefore - Date.now(), MAX_TIMER_MS));
    }
    if (stopped()) return;
    if (message.queueName === undefined) return this.deliverWithRetries(message, stopped);
    const turn = (this.queueTails.get(message.queueName) ?? Promise.resolve()).then(() =>
      stopped() ? undefined : this.deliverWithRetries(message, stopped),
    );
    this.queueTails.set(message.queueName, turn.catch(() => {}));
    return turn;
  }

  private async deliverWithRetries(message: Message, stopped: () => boolean): Promise<void> {
    for (;;) {
      message.state = "ACTIVE";
      const outcome = await this.attempt(message);
      if (stopped()) return;
      if (outcome.ok) {
        message.state = "DELIVERED";
        return this.publishCallback(message, message.callback, outcome);
      }
      if (outcome.nonRetryable || message.retried >= message.retries) {
        message.state = "FAILED";
        return this.publishCallback(message, message.failureCallback, outcome);
      }
      message.state = "RETRY";
      await this.wait(message, this.options.retryBaseDelayMs * 2 ** message.retried);
      if (stopped()) return;
      message.retried += 1;
    }
  }

  private async attempt(message: Message): Promise<Outcome> {
    const hasBody = message.method !== "GET" && message.method !== "HEAD";
    const body = hasBody ? message.body : Buffer.alloc(0);
    const headers: Record<string, string> = {
      ...message.headers,
      "user-agent": "Upstash-QStash",
      "upstash-message-id": message.messageId,
      "upstash-retried": String(message.retried),
      "upstash-signature": await signDelivery(this.options.signingKey, message.url, body),
    };
    if (message.scheduleId !== undefined) headers["upstash-schedule-id"] = message.scheduleId;
    const started = Date.now();
    const line = { event: "delivery", messageId: message.messageId, url: message.url, retried: message.retried };
    try {
      const response = await fetch(message.url, {
        method: message.method,
        headers,
        body: hasBody ? body : undefined,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(message.timeoutMs)]),
      });
      const responseBody = Buffer.from(await response.arrayBuffer());
      this.log({ ...line, status: response.status, ms: Date.now() - started });
      // QStash's documented opt-out of retries: 489 with Upstash-NonRetryable-Error: true.
      const nonRetryable = response.status === 489 && response.headers.get("upstash-nonretryable-error") === "true";
      return { ok: response.ok, nonRetryable, status: response.status, headers: response.headers, body: responseBody };
    } catch (error) {
      this.log({ ...line, error: String(error), ms: Date.now() - started });
      return { ok: false, nonRetryable: false, headers: new Headers(), body: Buffer.alloc(0) };
    }
  }

  /** QStash's callback body: the destination's response plus the source message, base64 bodies. */
  private publishCallback(message: Message, url: string | undefined, outcome: Outcome): void {
    if (url === undefined) return;
    const { messageId, method, headers, body, retries, retried, notBefore, createdAt, scheduleId, queueName } = message;
    const payload = {
      status: outcome.status, header: headerRecord(outcome.headers), body: outcome.body.toString("base64"),
      sourceMessageId: messageId, url: message.url, method, sourceHeader: headerRecord(headers),
      sourceBody: body.toString("base64"), retried, maxRetries: retries, notBefore, createdAt, scheduleId, queueName,
    };
    this.publish({
      url, method: "POST", headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(payload)),
      retries: DEFAULT_RETRIES, delayMs: 0, timeoutMs: message.timeoutMs,
    });
  }

  private wait(message: Message, ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        message.wake = undefined;
        resolve();
      }
      message.wake = done;
    });
  }

  private log(fields: Record<string, unknown>): void {
    this.options.log(JSON.stringify(fields));
  }
}
