/**
 * Retention of the Product API request log: rows older than REQUEST_LOG_RETENTION_DAYS (30) are
 * deleted, oldest first, in statements of PRUNE_BATCH_ROWS, at most PRUNE_BATCHES_PER_CALL per call (1 million rows every
 * 5 minutes, far above what the edge logs), by the scheduled aggregation job
 * (routes/jobs/aggregation-job.ts) after its run. A backlog (the first run after an outage) is
 * worked off over the following runs; the index on received_at keeps each call cheap.
 */
import { sql } from "drizzle-orm";
import { REQUEST_LOG_RETENTION_DAYS } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";

export const PRUNE_BATCH_ROWS = 10_000;
export const PRUNE_BATCHES_PER_CALL = 100;

export async function pruneRequestLog({ ctx, input = {} }: { ctx: ServiceContext; input?: { now?: Date } }): Promise<{ deleted: number }> {
  const cutoff = new Date((input.now ?? new Date()).getTime() - REQUEST_LOG_RETENTION_DAYS * 86_400_000);
  let deleted = 0;
  for (let batch = 0; batch < PRUNE_BATCHES_PER_CALL; batch++) {
    const removed = await pruneBatch(ctx, cutoff);
    deleted += removed;
    if (removed < PRUNE_BATCH_ROWS) break;
  }
  return { deleted };
}

async function pruneBatch(ctx: ServiceContext, cutoff: Date): Promise<number> {
  const result = await ctx.http().execute<{ deleted: number }>(sql`
    with doomed as (
      select id from api_request_log where received_at < ${cutoff.toISOString()}::timestamptz order by received_at limit ${PRUNE_BATCH_ROWS}),
    gone as (delete from api_request_log where id in (select id from doomed) returning 1)
    select count(*)::int as deleted from gone`);
  return Number(result.rows[0]?.deleted ?? 0);
}
