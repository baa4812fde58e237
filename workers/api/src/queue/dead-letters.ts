/**
 * Dead letters: what the events consumer could not store is kept in Postgres (dead_letters), so
 * nothing is lost silently. The consumer writes messages that are not valid messages at once;
 * messages that exhausted their retries reach the dead-letter queue (wrangler.toml:
 * dead_letter_queue), whose consumer is consumeDeadLetters. Both write one row per queue message,
 * idempotent on (queue, message id); a platform admin lists and replays them
 * (routes/admin/dead-letters.ts).
 */
import { deadLetters } from "@xr2/db/schema";
import { describeError, log, newId, parseEnv, QUEUE_NAMES, UNSTORABLE_CHARACTERS } from "@xr2/shared";
import { createServiceContext, type ServiceContext } from "../context.ts";
import { apiEnvSchema } from "../env.ts";
import { incrementCounter } from "../services/metrics/metrics-buffer.ts";

export interface DeadLetterInput {
  queue: string;
  messageId: string;
  body: unknown;
  attempts: number;
  error: string;
}

/** Why a message became a dead letter, as xr2_dead_letters_total's `reason` label says it. */
export type DeadLetterReason = "invalid" | "refused" | "retries_exhausted";

export async function insertDeadLetters(ctx: ServiceContext, letters: DeadLetterInput[], reason: DeadLetterReason): Promise<void> {
  const inserted = await ctx
    .http()
    .insert(deadLetters)
    .values(letters.map((letter) => ({ id: newId("deadLetter"), queue: letter.queue, messageId: letter.messageId, body: storable(letter.body ?? null), attempts: letter.attempts, error: storable(letter.error) })))
    .onConflictDoNothing({ target: [deadLetters.queue, deadLetters.messageId] })
    .returning({ queue: deadLetters.queue });
  for (const row of inserted) incrementCounter("xr2_dead_letters_total", { queue: row.queue, reason });
}

/**
 * The body as jsonb can hold it: Postgres refuses NUL and lone surrogates in text and jsonb, and
 * a dead letter must not fail for the reason its message did, so both become U+FFFD.
 */
function storable<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll(UNSTORABLE_CHARACTERS, "\ufffd") as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [storable(key), storable(item)])) as T;
  return value;
}

/** The dead-letter queue's consumer: every message becomes a dead_letters row, then is acknowledged. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, rawEnv: Record<string, unknown>): Promise<void> {
  const ctx = createServiceContext(parseEnv(apiEnvSchema, rawEnv), newId("request"));
  const letter = (message: Message<unknown>): DeadLetterInput => ({
    queue: QUEUE_NAMES.events,
    messageId: message.id,
    body: message.body,
    attempts: message.attempts,
    error: `not stored within the retries of ${QUEUE_NAMES.events} (the consumer logged each failure)`,
  });
  try {
    try {
      await insertDeadLetters(ctx, batch.messages.map(letter), "retries_exhausted");
      for (const message of batch.messages) message.ack();
    } catch (batchError) {
      log("warn", "storing dead letters failed; storing them one by one", { queue: batch.queue, count: batch.messages.length, error: describeError(batchError) });
      for (const message of batch.messages) {
        try {
          await insertDeadLetters(ctx, [letter(message)], "retries_exhausted");
          message.ack();
        } catch (error) {
          log("error", "storing a dead letter failed; will retry", { queue: batch.queue, message_id: message.id, attempts: message.attempts, error: describeError(error) });
          message.retry({ delaySeconds: Math.min(300, 2 ** message.attempts) });
        }
      }
    }
  } finally {
    await ctx.dispose();
  }
}
