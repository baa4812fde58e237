/**
 * Recomputes whole stats buckets from the raw rows, so the result depends only on what the
 * database holds, never on how often or in which order the job ran:
 * - requests, errors and latency percentiles from the exposures served in the bucket;
 * - events, conversions (category 'conversion'), tokens and cost from the events that occurred
 *   in the bucket, attributed through the exposure with the same trace_id. The join, rather than
 *   the attribution columns on events, also gives the environment, and counts an event as soon
 *   as its exposure is there, however late either of them arrived.
 * Rows of the bucket are upserted (left untouched when their values did not change, so
 * updated_at says when numbers last moved) and rows no longer backed by data are deleted.
 *
 * Tokens and cost come from events that carry numeric `tokens_in`, `tokens_out` and `cost_usd`
 * fields: apps call the model themselves, so what they report with their events is the usage of
 * the served prompt. llm_usage is not rolled up here: its rows are playground calls, which
 * belong to no environment or exposure; the cost dashboards read that table directly.
 */
import { sql, type SQL } from "drizzle-orm";
import { events, exposures, promptStatsDaily, promptStatsHourly } from "@xr2/db/schema";
import type { Transaction } from "../../context.ts";

export type BucketWidth = "hour" | "day";

/** A workspace's bucket; `bucketStart` is an ISO timestamp at the start of a UTC hour or day. */
export interface Bucket {
  workspaceId: string;
  bucketStart: string;
}

const TABLES = { hour: promptStatsHourly, day: promptStatsDaily } as const;
const WIDTHS = { hour: sql.raw("interval '1 hour'"), day: sql.raw("interval '1 day'") } as const;

/** Per-event ceilings: a value above them is taken for garbage and not counted. */
const MAX_TOKENS_PER_EVENT = 1_000_000_000;
const MAX_COST_USD_PER_EVENT = 1_000_000;

/** A numeric field of events.fields within [0, max], else 0 (missing, text, negative, absurd). */
function numericField(name: string, max: number, scale = 1): SQL {
  const text = sql`(e.fields ->> ${name}::text)`;
  return sql`case when jsonb_typeof(e.fields -> ${name}::text) = 'number' and ${text}::numeric between 0 and ${max}
    then round(${text}::numeric * ${scale})::bigint else 0 end`;
}

export async function recomputeBuckets(tx: Transaction, width: BucketWidth, buckets: Bucket[]): Promise<{ rowsChanged: number }> {
  if (buckets.length === 0) return { rowsChanged: 0 };
  const table = TABLES[width];
  const span = WIDTHS[width];
  const values = sql.join(
    buckets.map((bucket) => sql`(${bucket.workspaceId}::text, ${bucket.bucketStart}::timestamptz)`),
    sql`, `,
  );
  const percentile = (fraction: number) => sql`round((percentile_cont(${sql.raw(String(fraction))}) within group (order by x.latency_ms))::numeric)::integer`;
  const result = await tx.execute<{ changed: number; removed: number }>(sql`
    with buckets (workspace_id, bucket_start) as (values ${values}),
    served as (
      select b.workspace_id, b.bucket_start, x.prompt_id, x.version_id, x.environment, coalesce(x.variant, '') as variant,
        count(*) as requests,
        count(*) filter (where x.status = 'error') as errors,
        ${percentile(0.5)} as latency_p50_ms,
        ${percentile(0.95)} as latency_p95_ms,
        ${percentile(0.99)} as latency_p99_ms
      from buckets b
      join ${exposures} x on x.workspace_id = b.workspace_id and x.served_at >= b.bucket_start and x.served_at < b.bucket_start + ${span}
      group by b.workspace_id, b.bucket_start, x.prompt_id, x.version_id, x.environment, coalesce(x.variant, '')
    ),
    happened as (
      select b.workspace_id, b.bucket_start, x.prompt_id, x.version_id, x.environment, coalesce(x.variant, '') as variant,
        count(*) as events,
        count(*) filter (where e.category = 'conversion') as conversions,
        sum(${numericField("tokens_in", MAX_TOKENS_PER_EVENT)}) as tokens_in,
        sum(${numericField("tokens_out", MAX_TOKENS_PER_EVENT)}) as tokens_out,
        sum(${numericField("cost_usd", MAX_COST_USD_PER_EVENT, 1_000_000)}) as cost_micros
      from buckets b
      join ${events} e on e.workspace_id = b.workspace_id and e.occurred_at >= b.bucket_start and e.occurred_at < b.bucket_start + ${span}
      join ${exposures} x on x.workspace_id = e.workspace_id and x.trace_id = e.trace_id
      group by b.workspace_id, b.bucket_start, x.prompt_id, x.version_id, x.environment, coalesce(x.variant, '')
    ),
    computed as (
      select workspace_id, bucket_start, prompt_id, version_id, environment, variant,
        coalesce(served.requests, 0) as requests, coalesce(served.errors, 0) as errors,
        served.latency_p50_ms, served.latency_p95_ms, served.latency_p99_ms,
        coalesce(happened.events, 0) as events, coalesce(happened.conversions, 0) as conversions,
        coalesce(happened.tokens_in, 0) as tokens_in, coalesce(happened.tokens_out, 0) as tokens_out,
        coalesce(happened.cost_micros, 0) as cost_micros
      from served full join happened using (workspace_id, bucket_start, prompt_id, version_id, environment, variant)
    ),
    upserted as (
      insert into ${table} as t (workspace_id, bucket_start, prompt_id, version_id, environment, variant, requests, errors,
        latency_p50_ms, latency_p95_ms, latency_p99_ms, events, conversions, tokens_in, tokens_out, cost_micros, updated_at)
      select workspace_id, bucket_start, prompt_id, version_id, environment, variant, requests, errors,
        latency_p50_ms, latency_p95_ms, latency_p99_ms, events, conversions, tokens_in, tokens_out, cost_micros, now()
      from computed
      on conflict (workspace_id, prompt_id, bucket_start, version_id, environment, variant) do update set
        requests = excluded.requests, errors = excluded.errors, latency_p50_ms = excluded.latency_p50_ms,
        latency_p95_ms = excluded.latency_p95_ms, latency_p99_ms = excluded.latency_p99_ms, events = excluded.events,
        conversions = excluded.conversions, tokens_in = excluded.tokens_in, tokens_out = excluded.tokens_out,
        cost_micros = excluded.cost_micros, updated_at = excluded.updated_at
      where (t.requests, t.errors, t.latency_p50_ms, t.latency_p95_ms, t.latency_p99_ms, t.events, t.conversions, t.tokens_in, t.tokens_out, t.cost_micros)
        is distinct from (excluded.requests, excluded.errors, excluded.latency_p50_ms, excluded.latency_p95_ms, excluded.latency_p99_ms,
          excluded.events, excluded.conversions, excluded.tokens_in, excluded.tokens_out, excluded.cost_micros)
      returning 1
    ),
    removed as (
      delete from ${table} t
      using buckets b
      where t.workspace_id = b.workspace_id and t.bucket_start = b.bucket_start
        and not exists (
          select 1 from computed c
          where c.workspace_id = t.workspace_id and c.bucket_start = t.bucket_start and c.prompt_id = t.prompt_id
            and c.version_id = t.version_id and c.environment = t.environment and c.variant = t.variant
        )
      returning 1
    )
    select (select count(*) from upserted)::integer as changed, (select count(*) from removed)::integer as removed`);
  const [counts] = result.rows;
  return { rowsChanged: (counts?.changed ?? 0) + (counts?.removed ?? 0) };
}
