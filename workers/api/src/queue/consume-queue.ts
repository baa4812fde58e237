/** The API worker's queue handler: the events queue and its dead-letter queue, told apart by name. */
import { log, QUEUE_NAMES } from "@xr2/shared";
import { consumeEvents } from "./consume-events.ts";
import { consumeDeadLetters } from "./dead-letters.ts";

export async function consumeQueue(batch: MessageBatch<unknown>, env: Record<string, unknown>): Promise<void> {
  switch (batch.queue) {
    case QUEUE_NAMES.events:
      return consumeEvents(batch, env);
    case QUEUE_NAMES.eventsDeadLetters:
      return consumeDeadLetters(batch, env);
    default:
      // A queue bound in wrangler.toml that this code does not know: keep its messages for a fix.
      log("error", "messages from an unknown queue; retrying them", { queue: batch.queue, count: batch.messages.length });
      batch.retryAll({ delaySeconds: 60 });
  }
}
