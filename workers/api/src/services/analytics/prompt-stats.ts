/**
 * Prompt statistics over time (A3) and ROI per version (A7), read from the hourly or daily
 * buckets the aggregation job writes (prompt_stats_hourly / prompt_stats_daily).
 *
 * Rows of a bucket that differ only by environment or variant are summed. Latency percentiles
 * cannot be summed: where several rows make one figure, it is their request-weighted mean, exact
 * when one row makes it and an approximation otherwise. Rates are null when their denominator is
 * zero: error_rate = errors / requests, conversion_rate = conversions / requests,
 * cost_per_conversion_micros = cost_micros / conversions (rounded to a whole micro-unit).
 *
 * Scoped to a prompt (or version), the series is per bucket and version, with a table of totals
 * per version; workspace-wide, the series is per bucket over every prompt (version_id null), with
 * the top prompts by requests. Cost by provider and model comes from llm_usage (playground calls),
 * which has no environment, so the environment filter does not apply to it.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Environment } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { assertPromptInWorkspace, assertVersionInWorkspace, checkRange, ratio } from "./analytics-scope.ts";
import { statsFreshness } from "./stats-freshness.ts";
import { exportTable, keysetPages, singlePage, type ExportTable } from "./table-export.ts";

export const GRANULARITIES = ["hour", "day"] as const;
export type Granularity = (typeof GRANULARITIES)[number];
/** Longest range per granularity, in days. */
export const MAX_RANGE_DAYS: Record<Granularity, number> = { hour: 31, day: 366 };
/** Series rows in the JSON answer; the export streams them all. */
export const MAX_SERIES_ROWS = 10_000;
/** Rows of the per-version and per-provider tables. */
export const MAX_SUMMARY_ROWS = 1000;
export const MAX_TOP_PROMPTS = 100;

export const PROMPT_STATS_TABLES = ["series", "versions", "top_prompts", "providers"] as const;
export type PromptStatsTable = (typeof PROMPT_STATS_TABLES)[number];

export interface PromptStatsInput {
  workspaceId: string;
  promptId?: string | undefined;
  versionId?: string | undefined;
  environment?: Environment | undefined;
  from: Date;
  to: Date;
  granularity: Granularity;
  /** How many top prompts (workspace-wide only). */
  top: number;
}

export interface Metrics {
  requests: number;
  errors: number;
  error_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  events: number;
  conversions: number;
  conversion_rate: number | null;
  tokens_in: number;
  tokens_out: number;
  cost_micros: number;
  cost_per_conversion_micros: number | null;
}

export type SeriesRow = { bucket_start: string; version_id: string | null } & Metrics;
export type VersionRow = { version_id: string; version_number: number | null } & Metrics;
export type TopPromptRow = { prompt_id: string; slug: string | null; name: string | null } & Metrics;
export type ProviderRow = {
  provider: string;
  model: string;
  calls: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  cost_micros: number;
};

export const METRIC_NAMES = [
  "requests",
  "errors",
  "error_rate",
  "latency_p50_ms",
  "latency_p95_ms",
  "latency_p99_ms",
  "events",
  "conversions",
  "conversion_rate",
  "tokens_in",
  "tokens_out",
  "cost_micros",
  "cost_per_conversion_micros",
] as const satisfies ReadonlyArray<keyof Metrics>;

/** Sums as float8 (exact below 2^53) so the driver returns numbers, not numeric strings. */
const METRIC_SQL = sql.raw(`
  coalesce(sum(s.requests), 0)::float8 as requests,
  coalesce(sum(s.errors), 0)::float8 as errors,
  sum(s.latency_p50_ms::float8 * s.requests) / nullif(sum(s.requests) filter (where s.latency_p50_ms is not null), 0) as latency_p50_ms,
  sum(s.latency_p95_ms::float8 * s.requests) / nullif(sum(s.requests) filter (where s.latency_p95_ms is not null), 0) as latency_p95_ms,
  sum(s.latency_p99_ms::float8 * s.requests) / nullif(sum(s.requests) filter (where s.latency_p99_ms is not null), 0) as latency_p99_ms,
  coalesce(sum(s.events), 0)::float8 as events,
  coalesce(sum(s.conversions), 0)::float8 as conversions,
  coalesce(sum(s.tokens_in), 0)::float8 as tokens_in,
  coalesce(sum(s.tokens_out), 0)::float8 as tokens_out,
  coalesce(sum(s.cost_micros), 0)::float8 as cost_micros`);

type RawMetrics = Record<"requests" | "errors" | "events" | "conversions" | "tokens_in" | "tokens_out" | "cost_micros", number> &
  Record<"latency_p50_ms" | "latency_p95_ms" | "latency_p99_ms", number | null>;

function metricsOf(row: RawMetrics): Metrics {
  const latency = (value: number | null) => (value === null ? null : Math.round(value));
  const costPerConversion = ratio(row.cost_micros, row.conversions);
  return {
    requests: row.requests,
    errors: row.errors,
    error_rate: ratio(row.errors, row.requests),
    latency_p50_ms: latency(row.latency_p50_ms),
    latency_p95_ms: latency(row.latency_p95_ms),
    latency_p99_ms: latency(row.latency_p99_ms),
    events: row.events,
    conversions: row.conversions,
    conversion_rate: ratio(row.conversions, row.requests),
    tokens_in: row.tokens_in,
    tokens_out: row.tokens_out,
    cost_micros: row.cost_micros,
    cost_per_conversion_micros: costPerConversion === null ? null : Math.round(costPerConversion),
  };
}

/** The query's scope, after the range and tenancy checks. */
interface StatsScope {
  input: PromptStatsInput;
  table: SQL;
  /** Conditions on the stats rows (alias `s`). */
  where: SQL;
  /** Scoped to one prompt or version: the series is per version. */
  perVersion: boolean;
}

async function resolveScope(ctx: ServiceContext, input: PromptStatsInput): Promise<StatsScope> {
  checkRange(input.from, input.to, MAX_RANGE_DAYS[input.granularity], input.granularity === "hour" ? "Hourly stats" : "Daily stats");
  if (input.promptId !== undefined) await assertPromptInWorkspace(ctx, input.workspaceId, input.promptId);
  const promptId = input.versionId !== undefined ? await assertVersionInWorkspace(ctx, input.workspaceId, input.versionId, input.promptId) : input.promptId;
  const conditions: SQL[] = [sql`s.workspace_id = ${input.workspaceId}`, sql`s.bucket_start >= ${input.from.toISOString()}::timestamptz`, sql`s.bucket_start < ${input.to.toISOString()}::timestamptz`];
  if (promptId !== undefined) conditions.push(sql`s.prompt_id = ${promptId}`);
  if (input.versionId !== undefined) conditions.push(sql`s.version_id = ${input.versionId}`);
  if (input.environment !== undefined) conditions.push(sql`s.environment = ${input.environment}`);
  return {
    input,
    table: sql.raw(input.granularity === "hour" ? "prompt_stats_hourly" : "prompt_stats_daily"),
    where: sql.join(conditions, sql` and `),
    perVersion: promptId !== undefined,
  };
}

async function totals(ctx: ServiceContext, scope: StatsScope): Promise<Metrics> {
  const result = await ctx.http().execute<RawMetrics>(sql`select ${METRIC_SQL} from ${scope.table} s where ${scope.where}`);
  return metricsOf(result.rows[0]!);
}

/** Series rows after `after` (bucket start, version id), in that order. */
async function seriesPage(ctx: ServiceContext, scope: StatsScope, after: [string, string] | undefined, limit: number): Promise<SeriesRow[]> {
  const bucket = sql`to_char(s.bucket_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
  if (scope.perVersion) {
    const keyset = after ? sql`and (s.bucket_start, s.version_id) > (${after[0]}::timestamptz, ${after[1]})` : sql``;
    const result = await ctx
      .http()
      .execute<RawMetrics & { bucket_start: string; version_id: string }>(
        sql`select ${bucket} as bucket_start, s.version_id, ${METRIC_SQL} from ${scope.table} s where ${scope.where} ${keyset}
            group by s.bucket_start, s.version_id order by s.bucket_start, s.version_id limit ${limit}`,
      );
    return result.rows.map((row) => ({ bucket_start: row.bucket_start, version_id: row.version_id, ...metricsOf(row) }));
  }
  const keyset = after ? sql`and s.bucket_start > ${after[0]}::timestamptz` : sql``;
  const result = await ctx
    .http()
    .execute<RawMetrics & { bucket_start: string }>(
      sql`select ${bucket} as bucket_start, ${METRIC_SQL} from ${scope.table} s where ${scope.where} ${keyset}
          group by s.bucket_start order by s.bucket_start limit ${limit}`,
    );
  return result.rows.map((row) => ({ bucket_start: row.bucket_start, version_id: null, ...metricsOf(row) }));
}

async function versionTable(ctx: ServiceContext, scope: StatsScope): Promise<VersionRow[]> {
  if (!scope.perVersion) return [];
  const result = await ctx.http().execute<RawMetrics & { version_id: string; version_number: number | null }>(
    sql`select s.version_id, v.version_number, ${METRIC_SQL}
        from ${scope.table} s
        left join prompt_versions v on v.id = s.version_id and v.workspace_id = s.workspace_id
        where ${scope.where}
        group by s.version_id, v.version_number
        order by v.version_number nulls last, s.version_id
        limit ${MAX_SUMMARY_ROWS}`,
  );
  return result.rows.map((row) => ({ version_id: row.version_id, version_number: row.version_number, ...metricsOf(row) }));
}

async function topPrompts(ctx: ServiceContext, scope: StatsScope): Promise<TopPromptRow[]> {
  if (scope.perVersion) return [];
  const result = await ctx.http().execute<RawMetrics & { prompt_id: string; slug: string | null; name: string | null }>(
    sql`select s.prompt_id, p.slug, p.name, ${METRIC_SQL}
        from ${scope.table} s
        left join prompts p on p.id = s.prompt_id and p.workspace_id = s.workspace_id
        where ${scope.where}
        group by s.prompt_id, p.slug, p.name
        order by sum(s.requests) desc, s.prompt_id
        limit ${scope.input.top}`,
  );
  return result.rows.map((row) => ({ prompt_id: row.prompt_id, slug: row.slug, name: row.name, ...metricsOf(row) }));
}

async function providerTable(ctx: ServiceContext, scope: StatsScope): Promise<ProviderRow[]> {
  const { input } = scope;
  const conditions: SQL[] = [sql`u.workspace_id = ${input.workspaceId}`, sql`u.created_at >= ${input.from.toISOString()}::timestamptz`, sql`u.created_at < ${input.to.toISOString()}::timestamptz`];
  if (input.promptId !== undefined) conditions.push(sql`u.prompt_id = ${input.promptId}`);
  if (input.versionId !== undefined) conditions.push(sql`u.version_id = ${input.versionId}`);
  const result = await ctx.http().execute<ProviderRow>(
    sql`select u.provider::text as provider, u.model, count(*)::float8 as calls, (count(*) filter (where u.status = 'error'))::float8 as errors,
               coalesce(sum(u.tokens_in), 0)::float8 as tokens_in, coalesce(sum(u.tokens_out), 0)::float8 as tokens_out, coalesce(sum(u.cost_micros), 0)::float8 as cost_micros
        from llm_usage u
        where ${sql.join(conditions, sql` and `)}
        group by u.provider, u.model
        order by sum(u.cost_micros) desc, u.provider, u.model
        limit ${MAX_SUMMARY_ROWS}`,
  );
  return result.rows;
}

export async function getPromptStats({ ctx, input }: { ctx: ServiceContext; input: PromptStatsInput }) {
  const scope = await resolveScope(ctx, input);
  const [total, series, versions, top, providers, freshness] = await Promise.all([
    totals(ctx, scope),
    seriesPage(ctx, scope, undefined, MAX_SERIES_ROWS + 1),
    versionTable(ctx, scope),
    topPrompts(ctx, scope),
    providerTable(ctx, scope),
    statsFreshness(ctx, input.workspaceId),
  ]);
  return {
    granularity: input.granularity,
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    prompt_id: input.promptId ?? null,
    version_id: input.versionId ?? null,
    environment: input.environment ?? null,
    totals: total,
    series: series.slice(0, MAX_SERIES_ROWS),
    series_truncated: series.length > MAX_SERIES_ROWS,
    versions,
    top_prompts: top,
    providers,
    ...freshness,
  };
}

const metricColumns = METRIC_NAMES.map((name) => ({ name, value: (row: Metrics) => row[name] }));

/** One table of the answer, for export (the series streamed a page at a time). */
export async function promptStatsExport({ ctx, input, table }: { ctx: ServiceContext; input: PromptStatsInput; table: PromptStatsTable }): Promise<ExportTable> {
  const scope = await resolveScope(ctx, input);
  switch (table) {
    case "series":
      return exportTable<SeriesRow>(
        "prompt-stats-series",
        [{ name: "bucket_start", value: (row) => row.bucket_start }, { name: "version_id", value: (row) => row.version_id }, ...metricColumns],
        keysetPages(
          (after: [string, string] | undefined, limit) => seriesPage(ctx, scope, after, limit),
          (row): [string, string] => [row.bucket_start, row.version_id ?? ""],
        ),
      );
    case "versions":
      if (!scope.perVersion) throw new ApiError("VALIDATION_FAILED", "table=versions needs prompt_id or version_id");
      return exportTable<VersionRow>(
        "prompt-stats-versions",
        [{ name: "version_id", value: (row) => row.version_id }, { name: "version_number", value: (row) => row.version_number }, ...metricColumns],
        singlePage(() => versionTable(ctx, scope)),
      );
    case "top_prompts":
      if (scope.perVersion) throw new ApiError("VALIDATION_FAILED", "table=top_prompts is workspace-wide: leave out prompt_id and version_id");
      return exportTable<TopPromptRow>(
        "prompt-stats-top-prompts",
        [{ name: "prompt_id", value: (row) => row.prompt_id }, { name: "slug", value: (row) => row.slug }, { name: "name", value: (row) => row.name }, ...metricColumns],
        singlePage(() => topPrompts(ctx, scope)),
      );
    case "providers":
      return exportTable<ProviderRow>(
        "prompt-stats-providers",
        (["provider", "model", "calls", "errors", "tokens_in", "tokens_out", "cost_micros"] as const).map((name) => ({ name, value: (row: ProviderRow) => row[name] })),
        singlePage(() => providerTable(ctx, scope)),
      );
  }
}
