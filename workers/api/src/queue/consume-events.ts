/**
 * The events-queue consumer: messages from the edge become rows in Postgres. Each message is
 * acknowledged on its own, so one bad message cannot hold back its batch; inserts are idempotent
 * on their natural keys, so a redelivered message changes nothing.
 *
 * A batch is written with one INSERT. If that fails, each message is tried alone: the ones that
 * go in are acknowledged, the others are retried with backoff (and, after the queue's
 * max_retries, land in the dead-letter queue), so an unreachable database loses nothing and a
 * row Postgres will never take (its workspace deleted, say) does not sink its neighbours.
 */
import { describeError, exposureSchema, log, newId, parseEnv, QUEUE_LIMITS, queueMessageSchema, type ParsedExposure } from "@xr2/shared";
import { exposures } from "@xr2/db/schema";
import { createServiceContext, type ServiceContext } from "../context.ts";
import { apiEnvSchema } from "../env.ts";

interface Accepted {
  message: Message<unknown>;
  /** A message carries one exposure (older edge deployments) or a batch of them. */
  exposures: ParsedExposure[];
}

export async function consumeEvents(batch: MessageBatch<unknown>, rawEnv: Record<string, unknown>): Promise<void> {
  const ctx = createServiceContext(parseEnv(apiEnvSchema, rawEnv), newId("request"));
  const accepted: Accepted[] = [];
  for (const message of batch.messages) {
    const parsed = queueMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      const salvaged = validExposuresOf(message.body);
      if (salvaged.length > 0) {
        log("warn", "dropping malformed exposures of a batch message", { queue: batch.queue, message_id: message.id, kept: salvaged.length, issues: parsed.error.issues.slice(0, 3) });
        accepted.push({ message, exposures: salvaged });
        continue;
      }
      log("warn", "dropping malformed queue message", { queue: batch.queue, message_id: message.id, issues: parsed.error.issues.slice(0, 3) });
      message.ack();
      continue;
    }
    if (parsed.data.type === "health_probe") {
      message.ack();
      continue;
    }
    accepted.push({ message, exposures: parsed.data.type === "exposure_batch" ? parsed.data.exposures : [parsed.data] });
  }
  try {
    if (accepted.length === 0) return;
    try {
      await insertExposures(ctx, accepted);
      for (const { message } of accepted) message.ack();
    } catch (batchError) {
      log("warn", "batch insert failed; storing messages one by one", { queue: batch.queue, count: accepted.length, error: describeError(batchError) });
      for (const item of accepted) {
        try {
          await insertExposures(ctx, [item]);
          item.message.ack();
        } catch (error) {
          log("error", "storing queue message failed; will retry", { queue: batch.queue, message_id: item.message.id, attempts: item.message.attempts, error: describeError(error) });
          item.message.retry({ delaySeconds: Math.min(300, 2 ** item.message.attempts) });
        }
      }
    }
  } finally {
    await ctx.dispose();
  }
}

/** The well-formed exposures of a batch message that failed validation as a whole. */
function validExposuresOf(body: unknown): ParsedExposure[] {
  const batch = body as { type?: unknown; exposures?: unknown } | null;
  if (batch?.type !== "exposure_batch" || !Array.isArray(batch.exposures)) return [];
  return batch.exposures.slice(0, QUEUE_LIMITS.exposuresPerMessage).flatMap((item) => {
    const parsed = exposureSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

async function insertExposures(ctx: ServiceContext, items: Accepted[]): Promise<void> {
  await ctx
    .http()
    .insert(exposures)
    .values(
      items.flatMap(({ exposures }) => exposures).map((body) => ({
        traceId: body.trace_id,
        workspaceId: body.workspace_id,
        promptId: body.prompt_id,
        versionId: body.version_id,
        environment: body.environment,
        source: body.source,
        variant: body.variant,
        experimentId: body.experiment_id,
        unitId: body.unit_id,
        apiKeyId: body.api_key_id,
        latencyMs: Math.round(body.latency_ms),
        status: body.status,
        errorCode: body.error_code,
        servedAt: new Date(body.served_at),
      })),
    )
    .onConflictDoNothing({ target: exposures.traceId });
}
