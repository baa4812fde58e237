/**
 * A bounded in-memory queue that delivers items (events or exposures) to one edge endpoint in
 * batches of up to 100: one second after the first item waits, at once when 100 wait, and on
 * flush(). A batch is retried whole (the items carry their own ids, so the edge counts a retried
 * item once) after timeouts, network errors, 5xx and 429, with exponential jittered backoff that
 * honours Retry-After, up to maxAttempts; then it is given up and counted. Items the edge refuses
 * for validation are dropped and counted, never retried; a batch too large for the edge (413) is
 * split in halves. Background timers never keep a Node
 * process alive; a flush() in progress does, and leaves no timer behind when it resolves.
 */
import { NetworkFailure, retryable, retryDelayMs, timer, type Answer } from "./http.js";
import type { DeliveryStats } from "./types.js";

export const BATCH_SIZE = 100;
const FIRST_ITEM_DELAY_MS = 1000;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 30_000;

export interface DeliveryOptions<T> {
  /** Sends one batch; throws NetworkFailure when no HTTP answer came. */
  send: (items: T[], keepalive: boolean) => Promise<Answer>;
  maxSize: number;
  maxAttempts: number;
}

export class DeliveryQueue<T> {
  private items: T[] = [];
  private scheduled: ReturnType<typeof setTimeout> | null = null;
  private pause: { handle: ReturnType<typeof setTimeout>; rearm: () => void } | null = null;
  private draining: Promise<void> | null = null;
  private flushers = 0;
  private readonly counts = { sent: 0, refused: 0, failed: 0, dropped: 0 };

  constructor(private readonly options: DeliveryOptions<T>) {}

  push(item: T): void {
    if (this.items.length >= this.options.maxSize) {
      this.counts.dropped++;
      return;
    }
    this.items.push(item);
    if (this.draining) return; // the running drain takes it
    if (this.items.length >= BATCH_SIZE) this.startDrain();
    else this.scheduled ??= timer(() => {
      this.scheduled = null;
      this.startDrain();
    }, FIRST_ITEM_DELAY_MS);
  }

  /** Resolves when every queued item is sent, refused or given up. */
  async flush(): Promise<void> {
    this.cancelSchedule();
    this.flushers++;
    // A backoff pause started in the background must now hold the process open: restart it held.
    if (this.pause) {
      clearTimeout(this.pause.handle);
      this.pause.rearm();
    }
    try {
      while (this.items.length > 0 || this.draining) await this.startDrain();
    } finally {
      this.flushers--;
    }
  }

  /** Sends what waits in keepalive requests (a page being hidden), once, without waiting. */
  sendNow(): void {
    this.cancelSchedule();
    while (this.items.length > 0) {
      const batch = this.items.splice(0, BATCH_SIZE);
      let sending: Promise<Answer>;
      try {
        sending = this.options.send(batch, true);
      } catch {
        this.counts.failed += batch.length;
        continue;
      }
      sending.then(
        (answer) => this.settle(batch, answer),
        () => (this.counts.failed += batch.length),
      );
    }
  }

  cancelSchedule(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = null;
  }

  stats(): DeliveryStats {
    return { queued: this.items.length, ...this.counts };
  }

  private startDrain(): Promise<void> {
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.items.length > 0) await this.deliver(this.items.splice(0, BATCH_SIZE));
  }

  private async deliver(batch: T[]): Promise<void> {
    for (let attempt = 0; attempt < this.options.maxAttempts; attempt++) {
      let answer: Answer | undefined;
      try {
        answer = await this.options.send(batch, false);
      } catch (error) {
        // Anything but a network failure (a body that cannot be serialized) cannot get better.
        if (!(error instanceof NetworkFailure)) break;
      }
      if (answer?.status === 413 && batch.length > 1) {
        // Too large a body (many big fields): the halves are sent on their own.
        const half = Math.ceil(batch.length / 2);
        await this.deliver(batch.slice(0, half));
        return this.deliver(batch.slice(half));
      }
      if (answer && !retryable(answer.status)) return this.settle(batch, answer);
      if (attempt + 1 < this.options.maxAttempts) {
        await this.wait(retryDelayMs(attempt, answer?.headers.get("retry-after") ?? null, BACKOFF_BASE_MS, BACKOFF_CAP_MS));
      }
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
