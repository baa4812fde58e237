/**
 * The events-queue consumer: messages from the edge become rows in Postgres. Each message is
 * acknowledged on its own, so one malformed message cannot hold back its batch; inserts are
 * idempotent on their natural keys, so a redelivered message changes nothing; when the
 * database is unreachable the messages are retried with backoff (then dead-lettered).
 */
import { log, newId, parseEnv, queueMessageSchema, type ExposureMessage } from "@xr2/shared";
import { exposures } from "@xr2/db/schema";
import { createServiceContext } from "../context.ts";
import { apiEnvSchema } from "../env.ts";

export async function consumeEvents(batch: MessageBatch<unknown>, rawEnv: Record<string, unknown>): Promise<void> {
  const ctx = createServiceContext(parseEnv(apiEnvSchema, rawEnv), newId("request"));
  const accepted: Array<{ message: Message<unknown>; body: ExposureMessage }> = [];
  for (const message of batch.messages) {
    const parsed = queueMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      log("warn", "dropping malformed queue message", { queue: batch.queue, message_id: message.id, issues: parsed.error.issues.slice(0, 3) });
      message.ack();
      continue;
    }
    if (parsed.data.type === "health_probe") {
      message.ack();
      continue;
    }
    accepted.push({ message, body: parsed.data });
  }
  if (accepted.length === 0) return;
  try {
    await ctx
      .http()
      .insert(exposures)
      .values(
        accepted.map(({ body }) => ({
          traceId: body.trace_id,
          workspaceId: body.workspace_id,
          promptId: body.prompt_id,
          versionId: body.version_id,
          environment: body.environment,
          source: body.source,
          variant: body.variant,
          unitId: body.unit_id,
          apiKeyId: body.api_key_id,
          latencyMs: Math.round(body.latency_ms),
          servedAt: new Date(body.served_at),
        })),
      )
      .onConflictDoNothing({ target: exposures.traceId });
    for (const { message } of accepted) message.ack();
  } catch (error) {
    log("error", "storing queue messages failed; will retry", { queue: batch.queue, count: accepted.length, error: error instanceof Error ? error.message : String(error) });
    for (const { message } of accepted) message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
  } finally {
    await ctx.dispose();
  }
}
