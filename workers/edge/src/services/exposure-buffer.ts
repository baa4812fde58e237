/**
 * Exposures leave the isolate in batches (queue-buffer.ts): one exposure_batch message per burst
 * of get-prompt calls. A failed send is logged with the trace ids it carried.
 */
import { describeError, log, QUEUE_LIMITS, type Exposure, type ExposureBatchMessage } from "@xr2/shared";
import { createQueueBuffer } from "./queue-buffer.ts";

export const bufferExposure = createQueueBuffer<Exposure>({
  maxItems: QUEUE_LIMITS.exposuresPerMessage,
  message: (exposures): ExposureBatchMessage => ({ type: "exposure_batch", exposures }),
  lost: (exposures, error) => log("error", "exposures not queued", { count: exposures.length, trace_ids: exposures.map((exposure) => exposure.trace_id), error: describeError(error) }),
});
