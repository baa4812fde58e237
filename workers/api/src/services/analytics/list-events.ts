/**
 * The workspace's business events (A3), newest first, filtered and paged by cursor. Rows are
 * ordered by (occurred_at, event_id), unique within a workspace; the cursor holds both of the
 * last row, the time as text with microseconds (a JS Date would round it and skip or repeat
 * rows). A cursor only positions the walk: the workspace condition is always applied, so a cursor
 * from another list or workspace can show nothing it should not.
 */
import { sql, type SQL } from "drizzle-orm";
import * as z from "zod";
import { ApiError } from "@xr2/shared";
import type { EventFieldValue } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";
import { assertPromptInWorkspace, assertVersionInWorkspace } from "./analytics-scope.ts";
import { exportTable, keysetPages, type ExportTable } from "./table-export.ts";

export const MAX_EVENTS_PAGE = 200;

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const cursorSchema = z.tuple([z.string().regex(TIMESTAMP_TEXT), z.string().min(1).max(200)]);
type EventKey = z.infer<typeof cursorSchema>;

export interface ListEventsInput {
  workspaceId: string;
  eventName?: string | undefined;
  promptId?: string | undefined;
  versionId?: string | undefined;
  traceId?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

export type EventRow = {
  event_id: string;
  trace_id: string;
  event_name: string;
  category: string | null;
  fields: Record<string, EventFieldValue>;
  occurred_at: string;
  received_at: string;
  prompt_id: string | null;
  version_id: string | null;
  variant: string | null;
};

async function filterOf(ctx: ServiceContext, input: ListEventsInput): Promise<SQL> {
  if (input.from && input.to && input.from >= input.to) throw new ApiError("VALIDATION_FAILED", "'from' must be before 'to'");
  if (input.promptId !== undefined) await assertPromptInWorkspace(ctx, input.workspaceId, input.promptId);
  if (input.versionId !== undefined) await assertVersionInWorkspace(ctx, input.workspaceId, input.versionId, input.promptId);
  const conditions: SQL[] = [sql`e.workspace_id = ${input.workspaceId}`];
  if (input.eventName !== undefined) conditions.push(sql`e.event_name = ${input.eventName}`);
  if (input.promptId !== undefined) conditions.push(sql`e.prompt_id = ${input.promptId}`);
  if (input.versionId !== undefined) conditions.push(sql`e.version_id = ${input.versionId}`);
  if (input.traceId !== undefined) conditions.push(sql`e.trace_id = ${input.traceId}`);
  if (input.from) conditions.push(sql`e.occurred_at >= ${input.from.toISOString()}::timestamptz`);
  if (input.to) conditions.push(sql`e.occurred_at < ${input.to.toISOString()}::timestamptz`);
  return sql.join(conditions, sql` and `);
}

const asText = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

async function eventsPage(ctx: ServiceContext, filter: SQL, before: EventKey | undefined, limit: number): Promise<EventRow[]> {
  const keyset = before ? sql`and (e.occurred_at, e.event_id) < (${before[0]}::timestamptz, ${before[1]})` : sql``;
  const result = await ctx.http().execute<EventRow>(
    sql`select e.event_id, e.trace_id, e.event_name, e.category, e.fields, ${asText("e.occurred_at")} as occurred_at, ${asText("e.received_at")} as received_at,
               e.prompt_id, e.version_id, e.variant
        from events e
        where ${filter} ${keyset}
        order by e.occurred_at desc, e.event_id desc
        limit ${limit}`,
  );
  return result.rows;
}

const keyOf = (row: EventRow): EventKey => [row.occurred_at, row.event_id];

export async function listEvents({ ctx, input }: { ctx: ServiceContext; input: ListEventsInput }) {
  const before = input.cursor === undefined ? undefined : decodeCursor(input.cursor, cursorSchema);
  const rows = await eventsPage(ctx, await filterOf(ctx, input), before, input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => keyOf(last));
  return { events: page, next_cursor };
}

/** Every matching event (from the cursor on, when given), streamed a page at a time. */
export async function eventsExport({ ctx, input }: { ctx: ServiceContext; input: Omit<ListEventsInput, "limit"> }): Promise<ExportTable> {
  const start = input.cursor === undefined ? undefined : decodeCursor(input.cursor, cursorSchema);
  const filter = await filterOf(ctx, { ...input, limit: 0 });
  const column = <K extends keyof EventRow>(name: K) => ({ name, value: (row: EventRow) => row[name] });
  return exportTable(
    "events",
    [
      column("event_id"),
      column("trace_id"),
      column("event_name"),
      column("category"),
      column("fields"),
      column("occurred_at"),
      column("received_at"),
      column("prompt_id"),
      column("version_id"),
      column("variant"),
    ],
    keysetPages((after: EventKey | undefined, limit) => eventsPage(ctx, filter, after ?? start, limit), keyOf),
  );
}
