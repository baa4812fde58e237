/**
 * Exposures leave the isolate in batches: the first exposure after a flush schedules the next
 * flush `FLUSH_AFTER_MS` later inside its own request's `waitUntil`, later ones only join the
 * buffer, and a full buffer is sent at once. The queue then carries one message per burst of
 * get-prompt calls instead of one per call, which is most of what an exposure costs the hot path.
 *
 * The send always runs in the context of the request that scheduled it (workerd does not let a
 * request perform I/O on behalf of another), and the other requests hand over plain data only.
 * What the buffer can lose is what the runtime loses anyway with `waitUntil`: an isolate killed
 * within the flush window. A failed send is logged with the trace ids it carried.
 */
import { describeError, log, QUEUE_LIMITS, type Exposure, type ExposureBatchMessage } from "@xr2/shared";

export const FLUSH_AFTER_MS = 25;

interface Target {
  queue: Pick<Queue<unknown>, "send">;
  waitUntil: (promise: Promise<unknown>) => void;
}

let buffered: Exposure[] = [];
let flushScheduled = false;

export function bufferExposure(target: Target, exposure: Exposure): void {
  buffered.push(exposure);
  if (buffered.length >= QUEUE_LIMITS.exposuresPerMessage) {
    target.waitUntil(send(target.queue, takeBuffered()));
    return;
  }
  if (flushScheduled) return;
  flushScheduled = true;
  target.waitUntil(
    new Promise((resolve) => setTimeout(resolve, FLUSH_AFTER_MS)).then(() => {
      flushScheduled = false;
      const exposures = takeBuffered();
      return exposures.length > 0 ? send(target.queue, exposures) : undefined;
    }),
  );
}

function takeBuffered(): Exposure[] {
  const taken = buffered;
  buffered = [];
  return taken;
}

async function send(queue: Target["queue"], exposures: Exposure[]): Promise<void> {
  const message: ExposureBatchMessage = { type: "exposure_batch", exposures };
  try {
    await queue.send(message, { contentType: "json" });
  } catch (error) {
    log("error", "exposures not queued", { count: exposures.length, trace_ids: exposures.map((exposure) => exposure.trace_id), error: describeError(error) });
  }
}
