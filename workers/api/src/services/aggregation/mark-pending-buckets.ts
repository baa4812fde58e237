/**
 * Decides which hours the aggregation job recomputes, by marking them in
 * aggregation_pending_buckets. Stats go by when things happened (served_at, occurred_at), so an
 * hour can change long after it ended: the job follows what was RECEIVED since its watermark and
 * marks the hours those rows belong to, plus the hours of events whose exposure just arrived (they
 * become attributable only now). Admins can also mark a whole range to force a recompute.
 */
import { sql, type SQL } from "drizzle-orm";
import { aggregationPendingBuckets, aggregationState, events, exposures, promptStatsHourly, workspaces } from "@xr2/db/schema";
import type { Transaction } from "../../context.ts";

export const AGGREGATION_JOB = "prompt_stats";

/**
 * Rows are stamped with their transaction's start time, so one committed shortly after the job
 * read past it would be skipped; every run therefore looks this far back behind its watermark.
 * Recomputing a bucket twice costs time, never correctness.
 */
const WATERMARK_OVERLAP = sql.raw("interval '2 minutes'");

/** An instant as ISO text with microseconds (timestamps cross into JS as text, losslessly). */
export function isoText(expression: SQL) {
  return sql<string>`to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * Takes the job's lock (the state row, created on first use) and returns its watermark. Held
 * until the transaction ends, so overlapping runs — a QStash redelivery, an admin's run — take
 * turns instead of interleaving.
 */
export async function lockWatermark(tx: Transaction): Promise<string> {
  await tx.execute(sql`insert into ${aggregationState} (name, received_through) values (${AGGREGATION_JOB}, 'epoch') on conflict do nothing`);
  const result = await tx.execute<{ received_through: string }>(
    sql`select ${isoText(sql`received_through`)} as received_through from ${aggregationState} where name = ${AGGREGATION_JOB} for update`,
  );
  const watermark = result.rows[0]?.received_through;
  if (!watermark) throw new Error("aggregation_state row missing after insert");
  return watermark;
}

/**
 * Marks the hours touched by rows received after `watermark` (minus the overlap), reading at
 * most `maxRows` rows of each table past the watermark, and advances the watermark to where it
 * stopped. `more` when a table had more rows than that.
 */
export async function markReceivedRows(tx: Transaction, watermark: string, maxRows: number): Promise<{ more: boolean }> {
  const cutoff = (table: typeof exposures | typeof events) =>
    sql`(select received_at from ${table} where received_at > ${watermark}::timestamptz order by received_at offset ${maxRows - 1} limit 1)`;
  const bounds = await tx.execute<{ upper: string; more: boolean }>(sql`
    select ${isoText(sql`least(exposures_cutoff, events_cutoff, now())`)} as upper,
      (exposures_cutoff is not null or events_cutoff is not null) as more
    from (select ${cutoff(exposures)} as exposures_cutoff, ${cutoff(events)} as events_cutoff) cutoffs`);
  const { upper, more } = bounds.rows[0]!;
  const lower = sql`${watermark}::timestamptz - ${WATERMARK_OVERLAP}`;
  const received = (column: SQL) => sql`${column} > ${lower} and ${column} <= ${upper}::timestamptz`;
  await tx.execute(sql`
    insert into ${aggregationPendingBuckets} (bucket_start, workspace_id)
    select date_trunc('hour', x.served_at, 'UTC'), x.workspace_id from ${exposures} x where ${received(sql`x.received_at`)}
    union
    select date_trunc('hour', e.occurred_at, 'UTC'), e.workspace_id from ${events} e where ${received(sql`e.received_at`)}
    union
    select date_trunc('hour', e.occurred_at, 'UTC'), e.workspace_id
    from ${exposures} x join ${events} e on e.workspace_id = x.workspace_id and e.trace_id = x.trace_id
    where ${received(sql`x.received_at`)}
    on conflict do nothing`);
  await tx.execute(sql`update ${aggregationState} set received_through = ${upper}::timestamptz, updated_at = now() where name = ${AGGREGATION_JOB}`);
  return { more };
}

/**
 * Marks, in every workspace, each hour of [from, to) that has exposures, events or stats (the
 * last so that stats no longer backed by data are removed). Per workspace, so the indexes that
 * lead with workspace_id serve it.
 */
export async function markRange(tx: Transaction, range: { from: string; to: string }): Promise<void> {
  const from = sql`date_trunc('hour', ${range.from}::timestamptz, 'UTC')`;
  const to = sql`${range.to}::timestamptz`;
  await tx.execute(sql`
    insert into ${aggregationPendingBuckets} (bucket_start, workspace_id)
    select hours.bucket_start, w.id
    from ${workspaces} w
    cross join lateral (
      select date_trunc('hour', x.served_at, 'UTC') as bucket_start from ${exposures} x
      where x.workspace_id = w.id and x.served_at >= ${from} and x.served_at < ${to}
      union
      select date_trunc('hour', e.occurred_at, 'UTC') from ${events} e
      where e.workspace_id = w.id and e.occurred_at >= ${from} and e.occurred_at < ${to}
      union
      select s.bucket_start from ${promptStatsHourly} s
      where s.workspace_id = w.id and s.bucket_start >= ${from} and s.bucket_start < ${to}
    ) hours
    on conflict do nothing`);
}
