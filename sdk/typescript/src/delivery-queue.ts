/**
 * A bounded in-memory queue that delivers items (events or exposures) to one edge endpoint in
 * batches of up to 100: one second after the first item waits, as soon as the caller's turn ends when 100 wait, and on
 * flush(). A batch is retried whole (the items carry their own ids, so the edge counts a retried
 * item once) after timeouts, network errors, 5xx and 429, waiting max(Retry-After, exponential
 * jittered backoff) capped at retryMaxDelayMs, for up to maxRetryDurationMs (and maxAttempts);
 * then it is given up and counted. An outage within that budget loses nothing but what a full
 * queue had to drop (counted). Items the edge refuses for validation are dropped and counted,
 * never retried; a batch too large for the edge (413) is split in halves. Background timers never
 * keep a Node process alive; a flush() in progress does, and leaves no timer behind when it resolves.
 */
import { NetworkFailure, retryable, retryDelayMs, sleep, timer, type Answer } from "./http.js";
import type { DeliveryStats } from "./types.js";

export const BATCH_SIZE = 100;
const FIRST_ITEM_DELAY_MS = 1000;
/** Browsers refuse keepalive bodies beyond 64 KiB in flight per page; stay below. */
export const KEEPALIVE_BUDGET_BYTES = 60_000;

export interface DeliveryOptions<T> {
  /** The JSON text of one item. */
  serialize: (item: T) => string;
  /** Sends one batch body; throws NetworkFailure when no HTTP answer came. */
  send: (body: string, keepalive: boolean) => Promise<Answer>;
  /** The field of the batch body holding the items ("events", "exposures"). */
  field: string;
  maxSize: number;
  maxAttempts: number;
  maxDurationMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Keepalive bytes in flight, shared by every queue of a page. */
  keepalive: { inFlight: number };
}

export class DeliveryQueue<T> {
  private items: T[] = [];
  private inFlight = 0;
  private scheduled: ReturnType<typeof setTimeout> | null = null;
  private pause: { handle: ReturnType<typeof setTimeout>; rearm: () => void } | null = null;
  private draining: Promise<void> | null = null;
  private flushers = 0;
  /** A drain is scheduled for the next turn of the event loop. */
  private soon = false;
  private readonly startScheduled = () => {
    this.scheduled = null;
    this.soon = false;
    void this.startDrain();
  };
  private readonly counts = { sent: 0, refused: 0, failed: 0, dropped: 0 };

  constructor(private readonly options: DeliveryOptions<T>) {}

  push(item: T): boolean {
    if (this.items.length >= this.options.maxSize) {
      this.counts.dropped++;
      return false;
    }
    this.items.push(item);
    if (this.draining || this.soon) return true; // the running or coming drain takes it
    if (this.items.length >= BATCH_SIZE) {
      // A full batch goes out on the next turn of the event loop, not inside the caller's call
      // (serializing 100 items would add ~100 µs to one getPrompt in a hundred).
      this.cancelSchedule();
      this.soon = true;
      this.scheduled = timer(this.startScheduled, 0);
    } else this.scheduled ??= timer(this.startScheduled, FIRST_ITEM_DELAY_MS);
    return true;
  }

  /** Items not yet settled: waiting, or in a batch being sent or retried. */
  pending(): number {
    return this.items.length + this.inFlight;
  }

  /** Resolves when every queued item is sent, refused or given up. */
  async flush(): Promise<void> {
    this.cancelSchedule();
    this.flushers++;
    // A backoff pause started in the background must now hold the process open: restart it held.
    this.rearmPause();
    try {
      while (this.items.length > 0 || this.draining) await this.startDrain();
    } finally {
      this.flushers--;
      // A flush given up by its caller (timeoutMs) must not leave a held timer behind.
      if (this.flushers === 0) this.rearmPause();
    }
  }

  /**
   * Sends what waits in keepalive requests (a page being hidden), once, without waiting, within
   * the shared keepalive byte budget; what does not fit stays queued.
   */
  sendNow(): void {
    this.cancelSchedule();
    const budget = this.options.keepalive;
    while (this.items.length > 0) {
      const texts: string[] = [];
      let bytes = this.options.field.length + 8;
      for (const item of this.items.slice(0, BATCH_SIZE)) {
        let text: string;
        try {
          text = this.options.serialize(item);
        } catch {
          text = "";
        }
        const size = utf8Length(text) + 1;
        if (budget.inFlight + bytes + size > KEEPALIVE_BUDGET_BYTES) break;
        texts.push(text);
        bytes += size;
      }
      if (texts.length === 0) return;
      const batch = this.items.splice(0, texts.length);
      budget.inFlight += bytes;
      this.inFlight += batch.length;
      const settled = (answer: Answer | null) => {
        budget.inFlight -= bytes;
        this.inFlight -= batch.length;
        if (answer) this.settle(batch, answer);
        else this.counts.failed += batch.length;
      };
      let sending: Promise<Answer>;
      try {
        sending = this.options.send(this.body(texts), true);
      } catch {
        settled(null);
        continue;
      }
      sending.then(settled, () => settled(null));
    }
  }

  cancelSchedule(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = null;
    this.soon = false;
  }

  stats(): DeliveryStats {
    return { queued: this.items.length + this.inFlight, ...this.counts };
  }

  private body(texts: string[]): string {
    return `{"${this.options.field}":[${texts.join(",")}]}`;
  }

  private rearmPause(): void {
    if (!this.pause) return;
    clearTimeout(this.pause.handle);
    this.pause.rearm();
  }

  private startDrain(): Promise<void> {
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.items.length > 0) {
      // Each batch is serialized in a timer turn of its own, never inside the microtasks that
      // resolved the last send: those run between an app's awaited calls and would add the
      // ~100 µs of serializing 100 items to whichever getPrompt happened to be waiting there.
      await sleep(0, true);
      const batch = this.items.splice(0, BATCH_SIZE);
      this.inFlight += batch.length;
      try {
        await this.deliver(batch);
      } finally {
        this.inFlight -= batch.length;
      }
    }
  }

  private async deliver(batch: T[]): Promise<void> {
    const { maxAttempts, maxDurationMs, baseDelayMs, maxDelayMs } = this.options;
    const giveUpAt = Date.now() + maxDurationMs;
    let body: string;
    try {
      body = this.body(batch.map(this.options.serialize));
    } catch {
      this.counts.failed += batch.length; // cannot be serialized: retrying cannot help
      return;
    }
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      let answer: Answer | undefined;
      try {
        answer = await this.options.send(body, false);
      } catch (error) {
        if (!(error instanceof NetworkFailure)) break;
      }
      if (answer?.status === 413 && batch.length > 1) {
        // Too large a body (many big fields): the halves are sent on their own.
        const half = Math.ceil(batch.length / 2);
        await this.deliver(batch.slice(0, half));
        return this.deliver(batch.slice(half));
      }
      if (answer && !retryable(answer.status)) return this.settle(batch, answer);
      const delay = retryDelayMs(attempt, answer?.headers.get("retry-after") ?? null, baseDelayMs, maxDelayMs);
      if (attempt + 1 >= maxAttempts || Date.now() + delay > giveUpAt) break;
      await this.wait(delay);
    }
    this.counts.failed += batch.length;
  }

  /** Counts a final answer: per-item results when accepted, the whole batch as failed otherwise. */
  private settle(batch: T[], answer: Answer): void {
    if (answer.status < 200 || answer.status >= 300) {
      this.counts.failed += batch.length;
      return;
    }
    const results = (answer.body as { results?: Array<{ accepted?: boolean }> } | null)?.results;
    for (let i = 0; i < batch.length; i++) {
      if (results?.[i]?.accepted === false) this.counts.refused++;
      else this.counts.sent++;
    }
  }

  /** A backoff pause: held open while someone flushes, released otherwise (see flush()). */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const until = Date.now() + ms;
      const arm = () => {
        const handle = timer(() => {
          this.pause = null;
          resolve();
        }, Math.max(0, until - Date.now()), this.flushers > 0);
        this.pause = { handle, rearm: arm };
      };
      arm();
    });
  }
}

/** Bytes of `text` in UTF-8, without an encoder. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) bytes += code > 0x7ff && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}
