/**
 * What a rule's metric is at a given time, read from the hourly stats the aggregation job has
 * just written (prompt_stats_hourly), the way the dashboards read them (services/analytics).
 *
 * A window of N hours is the hour `now` falls in and the N − 1 before it, so a rule sees the
 * errors of the current hour as soon as they are aggregated. requests_drop is the exception: a
 * partial hour always has fewer requests than a whole one, so it compares the last N complete
 * hours with the N before them. conversion_rate compares the window with the baseline window
 * just before it. srm reuses the experiment results' sample-ratio test.
 *
 * The value is null when there is too little to judge (fewer requests than the rule's
 * min_requests, no baseline, no running experiment); a null value never satisfies a condition.
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import { experiments, type AlertRule } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { HOUR_MS, ratio } from "../analytics/analytics-scope.ts";
import { getExperimentResults } from "../analytics/experiment-results.ts";
import { ALERT_LIMITS } from "./alert-rule-view.ts";

export interface Measurement {
  value: number | null;
  /** srm: the experiment with the lowest p-value. */
  experimentId: string | null;
  /** srm: that experiment's units per variant against its weights (for experiment.srm_detected). */
  variants?: Array<{ key: string; weight: number; units: number }>;
}

type WindowTotals = {
  requests: number;
  errors: number;
  latency_p95_ms: number | null;
  conversions: number;
  cost_micros: number;
};

interface Span {
  from: Date;
  to: Date;
}

const MICROS_PER_DOLLAR = 1_000_000;

export async function measureAlertMetric(ctx: ServiceContext, rule: AlertRule, now: Date): Promise<Measurement> {
  const hours = rule.windowMinutes / 60;
  const nextHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS;
  const window: Span = { from: new Date(nextHour - hours * HOUR_MS), to: new Date(nextHour) };
  const judged = (value: number | null): Measurement => ({ value, experimentId: null });
  switch (rule.metric) {
    case "error_rate": {
      const totals = await windowTotals(ctx, rule, window);
      return judged(totals.requests >= rule.minRequests ? ratio(totals.errors, totals.requests) : null);
    }
    case "latency_p95": {
      const totals = await windowTotals(ctx, rule, window);
      return judged(totals.requests >= rule.minRequests ? totals.latency_p95_ms : null);
    }
    case "cost_per_day": {
      const totals = await windowTotals(ctx, rule, window);
      return judged(((totals.cost_micros / MICROS_PER_DOLLAR) * 24) / hours);
    }
    case "requests_drop": {
      const complete: Span = { from: new Date(window.from.getTime() - HOUR_MS), to: new Date(window.to.getTime() - HOUR_MS) };
      const before: Span = { from: new Date(complete.from.getTime() - hours * HOUR_MS), to: complete.from };
      const [current, previous] = await Promise.all([windowTotals(ctx, rule, complete), windowTotals(ctx, rule, before)]);
      return judged(previous.requests >= Math.max(rule.minRequests, 1) ? 1 - current.requests / previous.requests : null);
    }
    case "conversion_rate":
      return judged(await conversionChange(ctx, rule, window));
    case "srm":
      return sampleRatio(ctx, rule);
  }
}

/** The stats rows of the rule's scope (alias `s`): its workspace, prompt and environment. */
function statsScope(rule: AlertRule, span: Span): SQL {
  const conditions: SQL[] = [
    sql`s.workspace_id = ${rule.workspaceId}`,
    sql`s.bucket_start >= ${span.from.toISOString()}::timestamptz`,
    sql`s.bucket_start < ${span.to.toISOString()}::timestamptz`,
  ];
  if (rule.promptId !== null) conditions.push(sql`s.prompt_id = ${rule.promptId}`);
  if (rule.environment !== null) conditions.push(sql`s.environment = ${rule.environment}`);
  return sql.join(conditions, sql` and `);
}

async function windowTotals(ctx: ServiceContext, rule: AlertRule, span: Span): Promise<WindowTotals> {
  // Percentiles cannot be summed: the request-weighted mean of the hours' p95, as in prompt-stats.ts.
  const result = await ctx.http().execute<WindowTotals>(sql`
    select coalesce(sum(s.requests), 0)::float8 as requests, coalesce(sum(s.errors), 0)::float8 as errors,
      sum(s.latency_p95_ms::float8 * s.requests) / nullif(sum(s.requests) filter (where s.latency_p95_ms is not null), 0) as latency_p95_ms,
      coalesce(sum(s.conversions), 0)::float8 as conversions, coalesce(sum(s.cost_micros), 0)::float8 as cost_micros
    from prompt_stats_hourly s where ${statsScope(rule, span)}`);
  return result.rows[0]!;
}

/** The window's conversion rate relative to the baseline's (−0.2: 20 % lower), or null. */
async function conversionChange(ctx: ServiceContext, rule: AlertRule, window: Span): Promise<number | null> {
  const baseline: Span = { from: new Date(window.from.getTime() - rule.baselineWindowMinutes! * 60_000), to: window.from };
  const [current, before] = await Promise.all([conversionRate(ctx, rule, window), conversionRate(ctx, rule, baseline)]);
  if (current === null || before === null || before === 0) return null;
  return current / before - 1;
}

async function conversionRate(ctx: ServiceContext, rule: AlertRule, span: Span): Promise<number | null> {
  const totals = await windowTotals(ctx, rule, span);
  if (totals.requests < Math.max(rule.minRequests, 1)) return null;
  const conversions = rule.eventName === null ? totals.conversions : await namedEvents(ctx, rule, span);
  return conversions / totals.requests;
}

/**
 * Events of the rule's name that occurred in the span on an exposure of its scope (events are
 * tied to exposures by trace_id), read from the raw rows: the stats count only the "conversion"
 * category. events_workspace_id_event_name_occurred_at_idx bounds the scan to the name and span.
 */
async function namedEvents(ctx: ServiceContext, rule: AlertRule, span: Span): Promise<number> {
  const exposure: SQL[] = [sql`x.workspace_id = e.workspace_id`, sql`x.trace_id = e.trace_id`];
  if (rule.promptId !== null) exposure.push(sql`x.prompt_id = ${rule.promptId}`);
  if (rule.environment !== null) exposure.push(sql`x.environment = ${rule.environment}`);
  const result = await ctx.http().execute<{ events: number }>(sql`
    select count(*)::float8 as events from events e
    where e.workspace_id = ${rule.workspaceId} and e.event_name = ${rule.eventName}
      and e.occurred_at >= ${span.from.toISOString()}::timestamptz and e.occurred_at < ${span.to.toISOString()}::timestamptz
      and exists (select 1 from exposures x where ${sql.join(exposure, sql` and `)})`);
  return Number(result.rows[0]?.events ?? 0);
}

/** The lowest sample-ratio p-value among the running experiments the rule watches. */
async function sampleRatio(ctx: ServiceContext, rule: AlertRule): Promise<Measurement> {
  const conditions: SQL[] = [eq(experiments.workspaceId, rule.workspaceId), eq(experiments.status, "running")];
  if (rule.experimentId !== null) conditions.push(eq(experiments.id, rule.experimentId));
  if (rule.promptId !== null) conditions.push(eq(experiments.promptId, rule.promptId));
  if (rule.environment !== null) conditions.push(eq(experiments.environment, rule.environment));
  const running = await ctx
    .http()
    .select({ id: experiments.id })
    .from(experiments)
    .where(and(...conditions))
    .orderBy(experiments.id)
    .limit(ALERT_LIMITS.experimentsPerRule);
  let lowest: Measurement = { value: null, experimentId: null };
  for (const experiment of running) {
    const results = await getExperimentResults({ ctx, input: { workspaceId: rule.workspaceId, experimentId: experiment.id } });
    // A handful of units says nothing about the split; min_requests counts units here.
    if (results.variants.reduce((sum, variant) => sum + variant.units, 0) < rule.minRequests) continue;
    if (lowest.value === null || results.srm_p_value < lowest.value) lowest = { value: results.srm_p_value, experimentId: experiment.id, variants: results.variants.map(({ key, weight, units }) => ({ key, weight, units })) };
  }
  return lowest;
}
