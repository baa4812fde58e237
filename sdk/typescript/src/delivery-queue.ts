/**
 * A bounded in-memory queue that delivers items (events or exposures) to one edge endpoint in
 * batches of up to batchSize (events 100, exposures 500: the endpoints' limits): at most one
 * second after an item starts waiting, as soon as the caller's turn ends when a batch's worth
 * wait, and on flush(). The one-second timer set for the first waiting item is not cleared when
 * the batch is full: it stays armed and sends what waits when it fires, so a busy app sets
 * one such timer a second rather than clearing and setting timers inside its calls (which its p99
 * pays for, bench/sdk.ts). A batch is retried whole (the items carry their own ids, so the edge
 * counts a retried item once) after timeouts, network errors, 5xx and 429, waiting
 * max(Retry-After, exponential jittered backoff) capped at retryMaxDelayMs, for up to
 * maxRetryDurationMs (and maxAttempts); then it is given up and counted. An outage within that
 * budget loses nothing but what a full queue had to drop (counted). Items the edge refuses for
 * validation are dropped and counted, never retried; a batch too large for the edge (413) is split
 * in halves. Background timers never keep a Node process alive; a flush() in progress does, and
 * leaves no timer behind when it resolves.
 */
import { NetworkFailure, retryable, retryDelayMs, sleep, timer, type Answer } from "./http.js";
import { topUp } from "./ids.js";
import type { DeliveryStats } from "./types.js";

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
  /** Items per request, at most the endpoint's limit. */
  batchSize: number;
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
  private readonly startScheduled = () => {
    this.scheduled = null;
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
    if (this.draining) return true; // the running drain takes it
    // A full batch goes out on the next turn of the event loop, not inside the caller's call:
    // serializing 100 items would add ~100 µs to one getPrompt in a hundred. Past a batch, the
    // drain that timer starts takes the rest; it is never cleared, so it may find the queue drained.
    if (this.items.length === this.options.batchSize) timer(() => this.startDrain(), 0);
    else this.scheduled ??= timer(this.startScheduled, FIRST_ITEM_DELAY_MS);
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
      for (const item of this.items.slice(0, this.options.batchSize)) {
        let text = "";
        let size = 1;
        try {
          const serialized = this.options.serialize(item);
          size += utf8Length(serialized);
          text = serialized;
        } catch {
          // sent as nothing
        }
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
        if (answer) this.settle(batch.length, answer);
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
      // The ids' random pool, topped up here, off the calls that mint the ids (see ids.ts).
      topUp();
      const next = this.takeBatch();
      if (!next) continue;
      this.inFlight += next.count;
      try {
        await this.deliver(next.body, next.count);
      } finally {
        this.inFlight -= next.count;
      }
    }
  }

  /**
   * The next batch as one body. Only the body is kept while it is sent and retried, not the
   * items: many small objects alive across a request's milliseconds are what the garbage
   * collector pays for on every call of a busy app.
   */
  private takeBatch(): { body: string; count: number } | null {
    const batch = this.items.splice(0, this.options.batchSize);
    try {
      return { body: this.body(batch.map(this.options.serialize)), count: batch.length };
    } catch {
      this.counts.failed += batch.length; // cannot be serialized: retrying cannot help
      return null;
    }
  }

  private async deliver(body: string, count: number): Promise<void> {
    const { maxAttempts, maxDurationMs, baseDelayMs, maxDelayMs } = this.options;
    const giveUpAt = Date.now() + maxDurationMs;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      let answer: Answer | undefined;
      try {
        answer = await this.options.send(body, false);
      } catch (error) {
        if (!(error instanceof NetworkFailure)) break;
      }
      if (answer?.status === 413 && count > 1) {
        // Too large a body (many big fields): the halves are sent on their own.
        const items = (JSON.parse(body) as Record<string, unknown[]>)[this.options.field]!.map((item) => JSON.stringify(item));
        const half = Math.ceil(count / 2);
        await this.deliver(this.body(items.slice(0, half)), half);
        return this.deliver(this.body(items.slice(half)), count - half);
      }
      if (answer && !retryable(answer.status)) return this.settle(count, answer);
      const delay = retryDelayMs(attempt, answer?.headers.get("retry-after") ?? null, baseDelayMs, maxDelayMs);
      if (attempt + 1 >= maxAttempts || Date.now() + delay > giveUpAt) break;
      await this.wait(delay);
    }
    this.counts.failed += count;
  }

  /** Counts a final answer: per-item results when accepted, the whole batch as failed otherwise. */
  private settle(count: number, answer: Answer): void {
    if (answer.status < 200 || answer.status >= 300) {
      this.counts.failed += count;
      return;
    }
    const results = (answer.body as { results?: Array<{ accepted?: boolean }> } | null)?.results;
    for (let i = 0; i < count; i++) {
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

/**
 * Bytes of `text` in UTF-8, without an encoder (React Native's may lack one): each %XX of its URI
 * encoding is one byte. Runs only when a page is hidden. Throws on a lone surrogate, which
 * JSON.stringify's texts never hold.
 */
const utf8Length = (text: string): number => encodeURIComponent(text).replace(/%../g, "_").length;
