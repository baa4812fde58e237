/**
 * The trace explorer's list: the workspace's exposures (one per get-prompt answer) and business
 * events in one stream, newest first, filtered and keyset-paged. An exposure is placed at its
 * served_at, an event at its occurred_at; ties are broken by a sort id ("x:<trace_id>" for an
 * exposure, "e:<event_id>" for an event, compared byte-wise), so the cursor — the last row's
 * time as text with microseconds and its sort id — positions the walk exactly. Events are joined
 * to the exposure of their trace (same workspace): that join gives their environment, unit and
 * key, and tells attributed events (an exposure exists) from unattributed ones (none, yet or
 * ever). Every part of the query is scoped by workspace_id; a cursor only positions the walk.
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import * as z from "zod";
import { apiKeys } from "@xr2/db/schema";
import { ApiError, type Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { assertPromptInWorkspace, assertVersionInWorkspace } from "../analytics/analytics-scope.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";

export const MAX_TRACE_ITEMS_PAGE = 200;
export const TRACE_ITEM_KINDS = ["exposure", "event"] as const;
/** served / error: exposures by outcome; attributed / unattributed: events with or without an exposure. */
export const TRACE_ITEM_STATUSES = ["served", "error", "attributed", "unattributed"] as const;
export type TraceItemKind = (typeof TRACE_ITEM_KINDS)[number];
export type TraceItemStatus = (typeof TRACE_ITEM_STATUSES)[number];

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const cursorSchema = z.tuple([z.string().regex(TIMESTAMP_TEXT), z.string().regex(/^[xe]:/).max(210)]);

export interface ListTraceItemsInput {
  workspaceId: string;
  kind?: TraceItemKind | undefined;
  status?: TraceItemStatus | undefined;
  promptId?: string | undefined;
  versionId?: string | undefined;
  environment?: Environment | undefined;
  eventName?: string | undefined;
  traceId?: string | undefined;
  unitId?: string | undefined;
  apiKeyId?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface TraceItem {
  kind: TraceItemKind;
  /** The event's id, or the trace id of an exposure. */
  id: string;
  trace_id: string;
  /** served_at of an exposure, occurred_at of an event. */
  at: string;
  status: TraceItemStatus;
  prompt_id: string | null;
  prompt_slug: string | null;
  prompt_name: string | null;
  version_id: string | null;
  version_number: number | null;
  variant: string | null;
  environment: Environment | null;
  unit_id: string | null;
  api_key_id: string | null;
  api_key_name: string | null;
  latency_ms: number | null;
  error_code: string | null;
  event_name: string | null;
  category: string | null;
}

type Row = TraceItem & { sort_id: string } & Record<string, unknown>;

const asText = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

/** Which of the two streams the filters leave open. */
function streams(input: ListTraceItemsInput): { exposures: boolean; events: boolean } {
  const exposureOnly = input.kind === "exposure" || input.status === "served" || input.status === "error";
  const eventOnly = input.kind === "event" || input.status === "attributed" || input.status === "unattributed" || input.eventName !== undefined;
  return { exposures: !eventOnly, events: !exposureOnly };
}

async function checkScope(ctx: ServiceContext, input: ListTraceItemsInput): Promise<void> {
  if (input.from && input.to && input.from >= input.to) throw new ApiError("VALIDATION_FAILED", "'from' must be before 'to'");
  if (input.promptId !== undefined) await assertPromptInWorkspace(ctx, input.workspaceId, input.promptId);
  if (input.versionId !== undefined) await assertVersionInWorkspace(ctx, input.workspaceId, input.versionId, input.promptId);
  if (input.apiKeyId !== undefined) {
    const [key] = await ctx
      .http()
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.id, input.apiKeyId), eq(apiKeys.workspaceId, input.workspaceId)))
      .limit(1);
    if (!key) throw new ApiError("NOT_FOUND", "API key not found");
  }
}

function exposureBranch(input: ListTraceItemsInput, before: [string, string] | undefined, limit: number): SQL {
  const sortId = sql`(('x:' || x.trace_id) collate "C")`;
  const conditions: SQL[] = [sql`x.workspace_id = ${input.workspaceId}`];
  if (input.status === "served") conditions.push(sql`x.status = 'success'`);
  if (input.status === "error") conditions.push(sql`x.status = 'error'`);
  if (input.promptId !== undefined) conditions.push(sql`x.prompt_id = ${input.promptId}`);
  if (input.versionId !== undefined) conditions.push(sql`x.version_id = ${input.versionId}`);
  if (input.environment !== undefined) conditions.push(sql`x.environment = ${input.environment}`);
  if (input.traceId !== undefined) conditions.push(sql`x.trace_id = ${input.traceId}`);
  if (input.unitId !== undefined) conditions.push(sql`x.unit_id = ${input.unitId}`);
  if (input.apiKeyId !== undefined) conditions.push(sql`x.api_key_id = ${input.apiKeyId}`);
  if (input.from) conditions.push(sql`x.served_at >= ${input.from.toISOString()}::timestamptz`);
  if (input.to) conditions.push(sql`x.served_at < ${input.to.toISOString()}::timestamptz`);
  if (before) conditions.push(sql`(x.served_at, ${sortId}) < (${before[0]}::timestamptz, ${before[1]} collate "C")`);
  return sql`(select 'exposure' as kind, x.trace_id as id, x.trace_id, x.served_at as at_ts, ${sortId} as sort_id,
      case when x.status = 'error' then 'error' else 'served' end as status,
      x.prompt_id, x.version_id, x.variant, x.environment::text as environment, x.unit_id, x.api_key_id,
      x.latency_ms, x.error_code, null::text as event_name, null::text as category
    from exposures x
    where ${sql.join(conditions, sql` and `)}
    order by x.served_at desc, ${sortId} desc
    limit ${limit})`;
}

function eventBranch(input: ListTraceItemsInput, before: [string, string] | undefined, limit: number): SQL {
  const sortId = sql`(('e:' || e.event_id) collate "C")`;
  const conditions: SQL[] = [sql`e.workspace_id = ${input.workspaceId}`];
  if (input.status === "attributed") conditions.push(sql`x.trace_id is not null`);
  if (input.status === "unattributed") conditions.push(sql`x.trace_id is null`);
  if (input.eventName !== undefined) conditions.push(sql`e.event_name = ${input.eventName}`);
  if (input.promptId !== undefined) conditions.push(sql`coalesce(e.prompt_id, x.prompt_id) = ${input.promptId}`);
  if (input.versionId !== undefined) conditions.push(sql`coalesce(e.version_id, x.version_id) = ${input.versionId}`);
  if (input.environment !== undefined) conditions.push(sql`x.environment = ${input.environment}`);
  if (input.traceId !== undefined) conditions.push(sql`e.trace_id = ${input.traceId}`);
  if (input.unitId !== undefined) conditions.push(sql`x.unit_id = ${input.unitId}`);
  if (input.apiKeyId !== undefined) conditions.push(sql`x.api_key_id = ${input.apiKeyId}`);
  if (input.from) conditions.push(sql`e.occurred_at >= ${input.from.toISOString()}::timestamptz`);
  if (input.to) conditions.push(sql`e.occurred_at < ${input.to.toISOString()}::timestamptz`);
  if (before) conditions.push(sql`(e.occurred_at, ${sortId}) < (${before[0]}::timestamptz, ${before[1]} collate "C")`);
  return sql`(select 'event' as kind, e.event_id as id, e.trace_id, e.occurred_at as at_ts, ${sortId} as sort_id,
      case when x.trace_id is null then 'unattributed' else 'attributed' end as status,
      coalesce(e.prompt_id, x.prompt_id) as prompt_id, coalesce(e.version_id, x.version_id) as version_id, coalesce(e.variant, x.variant) as variant,
      x.environment::text as environment, x.unit_id, x.api_key_id, null::integer as latency_ms, null::text as error_code, e.event_name, e.category
    from events e
    left join exposures x on x.workspace_id = e.workspace_id and x.trace_id = e.trace_id
    where ${sql.join(conditions, sql` and `)}
    order by e.occurred_at desc, ${sortId} desc
    limit ${limit})`;
}

export async function listTraceItems({ ctx, input }: { ctx: ServiceContext; input: ListTraceItemsInput }): Promise<{ items: TraceItem[]; next_cursor: string | null }> {
  await checkScope(ctx, input);
  const before = input.cursor === undefined ? undefined : decodeCursor(input.cursor, cursorSchema);
  const open = streams(input);
  const fetch = input.limit + 1;
  const branches = [...(open.exposures ? [exposureBranch(input, before, fetch)] : []), ...(open.events ? [eventBranch(input, before, fetch)] : [])];
  if (branches.length === 0) return { items: [], next_cursor: null };
  const result = await ctx.http().execute<Row>(sql`
    select i.kind, i.id, i.trace_id, ${asText("i.at_ts")} as at, i.sort_id, i.status, i.prompt_id, p.slug as prompt_slug, p.name as prompt_name,
           i.version_id, v.version_number, i.variant, i.environment, i.unit_id, i.api_key_id, k.name as api_key_name,
           i.latency_ms, i.error_code, i.event_name, i.category
    from (${sql.join(branches, sql` union all `)}) i
    left join prompts p on p.workspace_id = ${input.workspaceId} and p.id = i.prompt_id
    left join prompt_versions v on v.workspace_id = ${input.workspaceId} and v.id = i.version_id
    left join api_keys k on k.workspace_id = ${input.workspaceId} and k.id = i.api_key_id
    order by i.at_ts desc, i.sort_id desc
    limit ${fetch}`);
  const rows = result.rows;
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => [last.at, last.sort_id]);
  return {
    items: page.map(({ sort_id: _sortId, ...item }) => ({ ...item, version_number: item.version_number === null ? null : Number(item.version_number), latency_ms: item.latency_ms === null ? null : Number(item.latency_ms) })),
    next_cursor,
  };
}
