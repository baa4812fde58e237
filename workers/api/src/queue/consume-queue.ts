/**
 * The API worker's queue handler: the events queue and its dead-letter queue, told apart by name.
 * Every batch is counted for /metrics: the batch, each message's outcome (acked or retried) and
 * the consumer's lag (the age of the batch's oldest message when it started), flushed to Redis
 * once per batch (services/metrics/metrics-buffer.ts).
 */
import { log, QUEUE_NAMES } from "@xr2/shared";
import { apiEnvSchema } from "../env.ts";
import { consumeEvents } from "./consume-events.ts";
import { consumeDeadLetters } from "./dead-letters.ts";
import { flushMetrics, incrementCounter, metricsRedis, setGauge } from "../services/metrics/metrics-buffer.ts";

export async function consumeQueue(batch: MessageBatch<unknown>, env: Record<string, unknown>, executionCtx?: ExecutionContext): Promise<void> {
  const started = Date.now();
  const outcomes = { acked: 0, retried: 0 };
  const counted = countOutcomes(batch, outcomes);
  try {
    await dispatch(counted, env);
  } finally {
    recordBatch(batch, started, outcomes);
    const parsed = apiEnvSchema.safeParse(env);
    if (parsed.success) {
      const flushing = flushMetrics(metricsRedis(parsed.data));
      if (executionCtx) executionCtx.waitUntil(flushing);
      else await flushing;
    }
  }
}

async function dispatch(batch: MessageBatch<unknown>, env: Record<string, unknown>): Promise<void> {
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

function recordBatch(batch: MessageBatch<unknown>, started: number, outcomes: { acked: number; retried: number }): void {
  const queue = batch.queue;
  incrementCounter("xr2_queue_batches_total", { queue });
  incrementCounter("xr2_queue_messages_total", { queue, outcome: "acked" }, outcomes.acked);
  incrementCounter("xr2_queue_messages_total", { queue, outcome: "retried" }, outcomes.retried);
  const oldest = Math.min(...batch.messages.map((message) => message.timestamp.getTime()));
  if (Number.isFinite(oldest)) setGauge("xr2_queue_consumer_lag_seconds", { queue }, Math.max(0, (started - oldest) / 1000));
  setGauge("xr2_queue_last_batch_timestamp_seconds", { queue }, Math.floor(started / 1000));
}

/** The batch, with each message's ack and retry (and the batch's) counted on their way through. */
function countOutcomes(batch: MessageBatch<unknown>, outcomes: { acked: number; retried: number }): MessageBatch<unknown> {
  const settled = new Set<string>();
  const settle = (id: string, outcome: "acked" | "retried") => {
    if (settled.has(id)) return;
    settled.add(id);
    outcomes[outcome]++;
  };
  const messages = batch.messages.map(
    (message): Message<unknown> => ({
      get id() {
        return message.id;
      },
      get timestamp() {
        return message.timestamp;
      },
      get body() {
        return message.body;
      },
      get attempts() {
        return message.attempts;
      },
      ack() {
        settle(message.id, "acked");
        message.ack();
      },
      retry(options?: QueueRetryOptions) {
        settle(message.id, "retried");
        message.retry(options);
      },
    }),
  );
  return {
    get queue() {
      return batch.queue;
    },
    get metadata() {
      return batch.metadata;
    },
    messages,
    ackAll() {
      for (const message of batch.messages) settle(message.id, "acked");
      batch.ackAll();
    },
    retryAll(options?: QueueRetryOptions) {
      for (const message of batch.messages) settle(message.id, "retried");
      batch.retryAll(options);
    },
  };
}
