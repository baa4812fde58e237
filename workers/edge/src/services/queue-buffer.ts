/**
 * What the edge sends to a queue leaves the isolate in batches: the first item after a flush
 * schedules the next flush `FLUSH_AFTER_MS` later inside its own request's `waitUntil`, later
 * ones only join the buffer, and a full buffer is sent at once. The queue then carries one
 * message per burst of calls instead of one per call, which is most of what an item costs the
 * hot path.
 *
 * The send always runs in the context of the request that scheduled it (workerd does not let a
 * request perform I/O on behalf of another), and the other requests hand over plain data only.
 * What a buffer can lose is what the runtime loses anyway with `waitUntil`: an isolate killed
 * within the flush window. A failed send is reported to `lost`, which logs what it may.
 */
export const FLUSH_AFTER_MS = 25;
/** A flush whose request's `waitUntil` was cut short never clears its mark: after this, another is scheduled. */
const STALE_FLUSH_MS = 10_000;

export interface QueueTarget {
  queue: Pick<Queue<unknown>, "send">;
  waitUntil: (promise: Promise<unknown>) => void;
}

/** A buffer of one kind of item: `message` wraps a batch for the queue; at most `maxItems` per message. */
export function createQueueBuffer<T>(options: { maxItems: number; message: (items: T[]) => unknown; lost: (items: T[], error: unknown) => void }): (target: QueueTarget, item: T) => void {
  let buffered: T[] = [];
  /** When the pending flush was scheduled; null when none is. */
  let flushScheduledAt: number | null = null;

  const take = (): T[] => {
    const taken = buffered;
    buffered = [];
    return taken;
  };
  const send = async (queue: QueueTarget["queue"], items: T[]): Promise<void> => {
    try {
      await queue.send(options.message(items), { contentType: "json" });
    } catch (error) {
      options.lost(items, error);
    }
  };

  return (target, item) => {
    buffered.push(item);
    if (buffered.length >= options.maxItems) {
      target.waitUntil(send(target.queue, take()));
      return;
    }
    const now = Date.now();
    if (flushScheduledAt !== null && now - flushScheduledAt < FLUSH_AFTER_MS + STALE_FLUSH_MS) return;
    flushScheduledAt = now;
    target.waitUntil(
      new Promise((resolve) => setTimeout(resolve, FLUSH_AFTER_MS)).then(() => {
        if (flushScheduledAt === now) flushScheduledAt = null;
        const items = take();
        return items.length > 0 ? send(target.queue, items) : undefined;
      }),
    );
  };
}
