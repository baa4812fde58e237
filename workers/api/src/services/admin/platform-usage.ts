/**
 * Cross-workspace usage per UTC day (S4): for each workspace and day, get-prompt requests,
 * events received, and LLM calls with their cost.
 * - requests come from prompt_stats_daily, so they are as fresh as the last aggregation run;
 * - events are counted from the events table by when they were received (what was ingested);
 * - LLM requests and cost from llm_usage (calls made through xR2: playground, compare, each
 *   failover attempt), and reported_cost_micros is what apps reported with their events (the
 *   stats' cost_usd roll-up), which xR2 did not pay for but the app did.
 * Days without any usage are left out.
 */
import { sql } from "drizzle-orm";
import { events, llmUsage, promptStatsDaily, workspaces } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { exportTable, singlePage, type ExportTable } from "../analytics/table-export.ts";

export const PLATFORM_USAGE_MAX_DAYS = 366;
const DAY_MS = 86_400_000;

export interface PlatformUsageInput {
  /** First UTC day, YYYY-MM-DD. */
  from: string;
  /** Last UTC day, inclusive. */
  to: string;
  workspaceId?: string | undefined;
}

export interface UsageRow {
  day: string;
  workspace_id: string;
  workspace_name: string;
  requests: number;
  events: number;
  llm_requests: number;
  llm_cost_micros: number;
  reported_cost_micros: number;
}

const METRICS = ["requests", "events", "llm_requests", "llm_cost_micros", "reported_cost_micros"] as const;

export async function usageByDay(ctx: ServiceContext, input: PlatformUsageInput): Promise<UsageRow[]> {
  const from = new Date(`${input.from}T00:00:00Z`);
  const to = new Date(new Date(`${input.to}T00:00:00Z`).getTime() + DAY_MS);
  const only = (column: unknown) => (input.workspaceId === undefined ? sql`true` : sql`${column} = ${input.workspaceId}`);
  const day = (column: unknown) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`;
  const result = await ctx.http().execute<{ day: string; workspace_id: string; workspace_name: string } & Record<(typeof METRICS)[number], string>>(sql`
    with usage as (
      select ${day(promptStatsDaily.bucketStart)} as day, ${promptStatsDaily.workspaceId} as workspace_id,
        sum(${promptStatsDaily.requests}) as requests, 0 as events, 0 as llm_requests, 0 as llm_cost_micros, sum(${promptStatsDaily.costMicros}) as reported_cost_micros
      from ${promptStatsDaily}
      where ${promptStatsDaily.bucketStart} >= ${from} and ${promptStatsDaily.bucketStart} < ${to} and ${only(promptStatsDaily.workspaceId)}
      group by 1, 2
      union all
      select ${day(events.receivedAt)}, ${events.workspaceId}, 0, count(*), 0, 0, 0
      from ${events}
      where ${events.receivedAt} >= ${from} and ${events.receivedAt} < ${to} and ${only(events.workspaceId)}
      group by 1, 2
      union all
      select ${day(llmUsage.createdAt)}, ${llmUsage.workspaceId}, 0, 0, count(*), sum(${llmUsage.costMicros}), 0
      from ${llmUsage}
      where ${llmUsage.createdAt} >= ${from} and ${llmUsage.createdAt} < ${to} and ${only(llmUsage.workspaceId)}
      group by 1, 2
    )
    select u.day, u.workspace_id, w.name as workspace_name,
      sum(u.requests)::text as requests, sum(u.events)::text as events, sum(u.llm_requests)::text as llm_requests,
      sum(u.llm_cost_micros)::text as llm_cost_micros, sum(u.reported_cost_micros)::text as reported_cost_micros
    from usage u join ${workspaces} w on w.id = u.workspace_id
    group by u.day, u.workspace_id, w.name
    order by u.day, u.workspace_id`);
  return result.rows.map((row) => ({
    day: row.day,
    workspace_id: row.workspace_id,
    workspace_name: row.workspace_name,
    requests: Number(row.requests),
    events: Number(row.events),
    llm_requests: Number(row.llm_requests),
    llm_cost_micros: Number(row.llm_cost_micros),
    reported_cost_micros: Number(row.reported_cost_micros),
  }));
}

/** The days, and each workspace's totals over the range (most requests first). */
export async function platformUsage({ ctx, input }: { ctx: ServiceContext; input: PlatformUsageInput }) {
  const days = await usageByDay(ctx, input);
  const totals = new Map<string, Omit<UsageRow, "day">>();
  for (const row of days) {
    const total = totals.get(row.workspace_id) ?? { workspace_id: row.workspace_id, workspace_name: row.workspace_name, requests: 0, events: 0, llm_requests: 0, llm_cost_micros: 0, reported_cost_micros: 0 };
    for (const metric of METRICS) total[metric] += row[metric];
    totals.set(row.workspace_id, total);
  }
  const workspaceTotals = [...totals.values()].sort((a, b) => b.requests - a.requests || b.events - a.events || a.workspace_id.localeCompare(b.workspace_id));
  return { from: input.from, to: input.to, days, workspaces: workspaceTotals };
}

export function platformUsageExport({ ctx, input }: { ctx: ServiceContext; input: PlatformUsageInput }): ExportTable {
  return exportTable<UsageRow>(
    "platform-usage",
    [{ name: "day", value: (row) => row.day }, { name: "workspace_id", value: (row) => row.workspace_id }, { name: "workspace_name", value: (row) => row.workspace_name }, ...METRICS.map((metric) => ({ name: metric, value: (row: UsageRow) => row[metric] }))],
    singlePage(() => usageByDay(ctx, input)),
  );
}
