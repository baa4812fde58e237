/**
 * A Product API key's request log (S6), newest first, filtered and paged by cursor like the audit
 * log: the cursor carries the id of a page's last row, and the next page continues below that
 * row's (received_at, id). Rows only arrive (with the time the edge received the request, which
 * may trail a little behind their insertion) and leave by age, so pages do not repeat rows.
 * The key must be the workspace's own: another workspace's key is 404, like an unknown one.
 */
import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { apiKeys, apiRequestLog, REQUEST_LOG_RETENTION_DAYS } from "@xr2/db/schema";
import * as z from "zod";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";

const cursorSchema = z.strictObject({ id: z.string().max(64) });

export interface ListRequestLogInput {
  workspaceId: string;
  keyId: string;
  /** An exact status (429) or a class ("4xx"). */
  status?: number | `${1 | 2 | 3 | 4 | 5}xx` | undefined;
  route?: string | undefined;
  slug?: string | undefined;
  traceId?: string | undefined;
  errorCode?: string | undefined;
  source?: "sdk" | "http" | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listRequestLog({ ctx, input }: { ctx: ServiceContext; input: ListRequestLogInput }) {
  if (input.from && input.to && input.from >= input.to) throw new ApiError("VALIDATION_FAILED", "'from' must be before 'to'");
  const db = ctx.http();
  const [key] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.workspaceId, input.workspaceId)))
    .limit(1);
  if (!key) throw new ApiError("NOT_FOUND", "API key not found");

  const conditions: SQL[] = [eq(apiRequestLog.apiKeyId, key.id), eq(apiRequestLog.workspaceId, input.workspaceId)];
  if (typeof input.status === "number") conditions.push(eq(apiRequestLog.status, input.status));
  else if (typeof input.status === "string") {
    const base = Number(input.status[0]) * 100;
    conditions.push(gte(apiRequestLog.status, base), lt(apiRequestLog.status, base + 100));
  }
  if (input.route !== undefined) conditions.push(eq(apiRequestLog.route, input.route));
  if (input.slug !== undefined) conditions.push(eq(apiRequestLog.slug, input.slug));
  if (input.traceId !== undefined) conditions.push(eq(apiRequestLog.traceId, input.traceId));
  if (input.errorCode !== undefined) conditions.push(eq(apiRequestLog.errorCode, input.errorCode));
  if (input.source !== undefined) conditions.push(eq(apiRequestLog.source, input.source));
  if (input.from) conditions.push(gte(apiRequestLog.receivedAt, input.from));
  if (input.to) conditions.push(lt(apiRequestLog.receivedAt, input.to));
  if (input.cursor !== undefined) {
    const { id } = decodeCursor(input.cursor, cursorSchema);
    // Only rows of this key can be cursors: another key's id is as invalid as garbage.
    const [anchor] = await db
      .select({ id: apiRequestLog.id })
      .from(apiRequestLog)
      .where(and(eq(apiRequestLog.id, id), eq(apiRequestLog.apiKeyId, key.id)))
      .limit(1);
    if (!anchor) throw new ApiError("VALIDATION_FAILED", "cursor does not belong to this list");
    conditions.push(sql`(${apiRequestLog.receivedAt}, ${apiRequestLog.id}) < (select anchor.received_at, anchor.id from ${apiRequestLog} anchor where anchor.id = ${id})`);
  }
  const rows = await db
    .select()
    .from(apiRequestLog)
    .where(and(...conditions))
    .orderBy(desc(apiRequestLog.receivedAt), desc(apiRequestLog.id))
    .limit(input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => ({ id: last.id }));
  return {
    requests: page.map((row) => ({
      id: row.id,
      key_prefix: row.keyPrefix,
      method: row.method,
      route: row.route,
      slug: row.slug,
      status: row.status,
      latency_ms: row.latencyMs,
      error_code: row.errorCode,
      source: row.source as "sdk" | "http",
      client: row.client,
      user_agent: row.userAgent,
      trace_id: row.traceId,
      request_id: row.requestId,
      received_at: row.receivedAt.toISOString(),
    })),
    next_cursor,
    retention_days: REQUEST_LOG_RETENTION_DAYS,
  };
}
