/**
 * LLM cost for the dashboards (A3): requests, errors, tokens and cost from llm_usage (playground
 * runs, comparisons and failover attempts) by provider and model, and per UTC day, for a time
 * range of the workspace; each table also exports as CSV/JSON.
 */
import { sql, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../context.ts";
import { exportTable, singlePage, type ExportTable } from "./table-export.ts";

export const LLM_USAGE_TABLES = ["by_model", "by_day"] as const;
export type LlmUsageTable = (typeof LLM_USAGE_TABLES)[number];
export const LLM_USAGE_MAX_RANGE_DAYS = 400;
/** Rows per table; a year of days for every model of three providers fits. */
const MAX_ROWS = 20_000;

export interface LlmUsageInput {
  workspaceId: string;
  from: Date;
  to: Date;
  provider?: string | undefined;
  promptId?: string | undefined;
}

type Totals = {
  requests: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  tokens_cached: number;
  cost_micros: number;
};
type ModelRow = Totals & { provider: string; model: string };
type DayRow = ModelRow & { day: string };

const METRICS = sql`count(*)::float8 as requests, (count(*) filter (where u.status = 'error'))::float8 as errors,
  coalesce(sum(u.tokens_in), 0)::float8 as tokens_in, coalesce(sum(u.tokens_out), 0)::float8 as tokens_out,
  coalesce(sum(u.tokens_cached), 0)::float8 as tokens_cached, coalesce(sum(u.cost_micros), 0)::float8 as cost_micros`;

function where(input: LlmUsageInput): SQL {
  const conditions: SQL[] = [sql`u.workspace_id = ${input.workspaceId}`, sql`u.created_at >= ${input.from.toISOString()}::timestamptz`, sql`u.created_at < ${input.to.toISOString()}::timestamptz`];
  if (input.provider !== undefined) conditions.push(sql`u.provider = ${input.provider}`);
  if (input.promptId !== undefined) conditions.push(sql`u.prompt_id = ${input.promptId}`);
  return sql.join(conditions, sql` and `);
}

async function byModel(ctx: ServiceContext, input: LlmUsageInput): Promise<ModelRow[]> {
  const result = await ctx.http().execute<ModelRow>(
    sql`select u.provider::text as provider, u.model, ${METRICS} from llm_usage u where ${where(input)}
        group by u.provider, u.model order by sum(u.cost_micros) desc, 1, 2 limit ${MAX_ROWS}`,
  );
  return result.rows;
}

async function byDay(ctx: ServiceContext, input: LlmUsageInput): Promise<DayRow[]> {
  const result = await ctx.http().execute<DayRow>(
    sql`select to_char(date_trunc('day', u.created_at at time zone 'UTC'), 'YYYY-MM-DD') as day, u.provider::text as provider, u.model, ${METRICS}
        from llm_usage u where ${where(input)}
        group by 1, u.provider, u.model order by 1, 2, 3 limit ${MAX_ROWS}`,
  );
  return result.rows;
}

export async function getLlmUsage({ ctx, input }: { ctx: ServiceContext; input: LlmUsageInput }) {
  const [models, days] = await Promise.all([byModel(ctx, input), byDay(ctx, input)]);
  const totals = models.reduce<Totals>(
    (sum, row) => ({
      requests: sum.requests + row.requests,
      errors: sum.errors + row.errors,
      tokens_in: sum.tokens_in + row.tokens_in,
      tokens_out: sum.tokens_out + row.tokens_out,
      tokens_cached: sum.tokens_cached + row.tokens_cached,
      cost_micros: sum.cost_micros + row.cost_micros,
    }),
    { requests: 0, errors: 0, tokens_in: 0, tokens_out: 0, tokens_cached: 0, cost_micros: 0 },
  );
  return { from: input.from.toISOString(), to: input.to.toISOString(), totals, by_model: models, by_day: days };
}

const metricColumns = (["requests", "errors", "tokens_in", "tokens_out", "tokens_cached", "cost_micros"] as const).map((name) => ({ name, value: (row: Totals) => row[name] }));

export function llmUsageExport({ ctx, input, table }: { ctx: ServiceContext; input: LlmUsageInput; table: LlmUsageTable }): ExportTable {
  if (table === "by_day") {
    return exportTable<DayRow>("llm-usage-by-day", [{ name: "day", value: (row) => row.day }, { name: "provider", value: (row) => row.provider }, { name: "model", value: (row) => row.model }, ...metricColumns], singlePage(() => byDay(ctx, input)));
  }
  return exportTable<ModelRow>("llm-usage-by-model", [{ name: "provider", value: (row) => row.provider }, { name: "model", value: (row) => row.model }, ...metricColumns], singlePage(() => byModel(ctx, input)));
}
