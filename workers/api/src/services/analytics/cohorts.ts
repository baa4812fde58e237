/**
 * Cohorts (A5): units grouped by the calendar period (UTC day, or ISO week from Monday) of their
 * first exposure, and for each cohort the share that did a chosen event in period k after it
 * (k = 0 is the cohort's own period), for k = 0..periods-1.
 *
 * A unit is an exposure's unit_id; exposures without one cannot be followed over time and are left
 * out. A unit's first exposure is its first successful one ever (to the prompt, when prompt_id is
 * given, else to any prompt of the workspace); units whose first exposure falls in [from, to)
 * form the cohorts. Its events are those carrying the trace_id of one of its exposures (of the
 * prompt, when given), at or after the first exposure. Period k of a cohort is the k-th calendar
 * period after the cohort's own; a cell is `complete` once that period has ended.
 */
import { sql } from "drizzle-orm";
import type { ServiceContext } from "../../context.ts";
import { assertPromptInWorkspace, checkRange, DAY_MS, ratio } from "./analytics-scope.ts";
import { runBudgetedQuery } from "./large-scan.ts";
import { exportTable, singlePage, type ExportTable } from "./table-export.ts";

export const COHORT_PERIODS = ["day", "week"] as const;
export type CohortPeriod = (typeof COHORT_PERIODS)[number];
/** Longest range of first exposures per period kind, in days. */
export const MAX_COHORT_RANGE_DAYS: Record<CohortPeriod, number> = { day: 92, week: 366 };
export const MAX_COHORT_PERIODS = 60;
export const DEFAULT_COHORT_PERIODS = 8;

const PERIOD_MS: Record<CohortPeriod, number> = { day: DAY_MS, week: 7 * DAY_MS };

export interface CohortInput {
  workspaceId: string;
  promptId?: string | undefined;
  eventName: string;
  period: CohortPeriod;
  periods: number;
  from: Date;
  to: Date;
}

export interface RetentionCell {
  period: number;
  units: number;
  rate: number | null;
  complete: boolean;
}

export interface Cohort {
  cohort_start: string;
  units: number;
  retention: RetentionCell[];
}

export async function getCohorts({ ctx, input }: { ctx: ServiceContext; input: CohortInput }) {
  checkRange(input.from, input.to, MAX_COHORT_RANGE_DAYS[input.period], input.period === "day" ? "Daily cohorts" : "Weekly cohorts");
  if (input.promptId !== undefined) await assertPromptInWorkspace(ctx, input.workspaceId, input.promptId);
  const periodMs = PERIOD_MS[input.period];
  // The last cohort starts no later than `to`; its last period ends before this.
  const until = new Date(input.to.getTime() + input.periods * periodMs).toISOString();
  const from = input.from.toISOString();
  const to = input.to.toISOString();
  const prompt = input.promptId === undefined ? sql`` : sql`and x.prompt_id = ${input.promptId}`;
  const rows = await runBudgetedQuery<{ cohort_start: string; k: number | null; units: number }>(ctx, sql`
    with firsts as (
      select x.unit_id as unit, min(x.served_at) as first_at
      from exposures x
      where x.workspace_id = ${input.workspaceId} ${prompt} and x.unit_id is not null and x.status = 'success' and x.served_at < ${to}::timestamptz
      group by x.unit_id
      having min(x.served_at) >= ${from}::timestamptz
    ),
    cohort_units as materialized (
      select unit, first_at, date_trunc(${input.period}, first_at, 'UTC') as cohort_start from firsts
    ),
    unit_traces as (
      select x.workspace_id, x.trace_id, c.unit, c.first_at, c.cohort_start
      from exposures x
      join cohort_units c on c.unit = x.unit_id
      where x.workspace_id = ${input.workspaceId} ${prompt} and x.status = 'success' and x.served_at >= ${from}::timestamptz and x.served_at < ${until}::timestamptz
    ),
    activity as (
      select distinct t.cohort_start, t.unit,
        (extract(epoch from date_trunc(${input.period}, e.occurred_at, 'UTC') - t.cohort_start) / ${periodMs / 1000}::int)::int as k
      from events e
      join unit_traces t on t.workspace_id = e.workspace_id and t.trace_id = e.trace_id
      where e.workspace_id = ${input.workspaceId} and e.event_name = ${input.eventName}
        and e.occurred_at >= t.first_at and e.occurred_at >= ${from}::timestamptz and e.occurred_at < ${until}::timestamptz
    )
    select to_char(cohort_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as cohort_start, null::int as k, count(*)::int as units
    from cohort_units group by cohort_start
    union all
    select to_char(cohort_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), k, count(*)::int
    from activity where k >= 0 and k < ${input.periods}::int group by cohort_start, k
    order by 1, 2 nulls first`, { hint: "narrow the date range, the number of periods or the prompt" });

  const now = Date.now();
  const cohorts = new Map<string, Cohort>();
  for (const row of rows) {
    if (row.k === null) {
      const start = Date.parse(row.cohort_start);
      cohorts.set(row.cohort_start, {
        cohort_start: row.cohort_start,
        units: row.units,
        retention: Array.from({ length: input.periods }, (_, period) => ({ period, units: 0, rate: 0, complete: start + (period + 1) * periodMs <= now })),
      });
      continue;
    }
    const cohort = cohorts.get(row.cohort_start)!;
    cohort.retention[row.k]!.units = row.units;
  }
  for (const cohort of cohorts.values()) for (const cell of cohort.retention) cell.rate = ratio(cell.units, cohort.units);
  return {
    prompt_id: input.promptId ?? null,
    event_name: input.eventName,
    period: input.period,
    periods: input.periods,
    from,
    to,
    cohorts: [...cohorts.values()],
  };
}

type CohortExportRow = { cohort_start: string; cohort_units: number } & RetentionCell;

export function cohortsExport({ ctx, input }: { ctx: ServiceContext; input: CohortInput }): ExportTable {
  return exportTable<CohortExportRow>(
    "cohorts",
    [
      { name: "cohort_start", value: (row) => row.cohort_start },
      { name: "cohort_units", value: (row) => row.cohort_units },
      { name: "period", value: (row) => row.period },
      { name: "retained_units", value: (row) => row.units },
      { name: "retention_rate", value: (row) => row.rate },
      { name: "complete", value: (row) => row.complete },
    ],
    singlePage(async () => {
      const { cohorts } = await getCohorts({ ctx, input });
      return cohorts.flatMap((cohort) => cohort.retention.map((cell) => ({ cohort_start: cohort.cohort_start, cohort_units: cohort.units, ...cell })));
    }),
  );
}
