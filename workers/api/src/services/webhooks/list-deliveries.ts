/**
 * An endpoint's delivery log, newest first, keyset-paged, each delivery with its attempts (what
 * the endpoint answered, how fast, or the error), so every attempt shows.
 */
import { and, asc, desc, eq, inArray, lt, or } from "drizzle-orm";
import * as z from "zod";
import { webhookDeliveries, webhookDeliveryAttempts } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";
import { loadWebhook } from "./webhook-view.ts";

/** Attempts listed per delivery: more than QStash ever makes for one (1 + retries). */
const MAX_ATTEMPTS_SHOWN = 20;
const cursorSchema = z.strictObject({ at: z.iso.datetime(), id: z.string().max(64) });

export async function listDeliveries({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; webhookId: string; limit: number; cursor?: string | undefined } }) {
  const db = ctx.db();
  await loadWebhook(db, input);
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, cursorSchema);
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workspaceId, input.workspaceId),
        eq(webhookDeliveries.webhookId, input.webhookId),
        after === undefined ? undefined : or(lt(webhookDeliveries.createdAt, new Date(after.at)), and(eq(webhookDeliveries.createdAt, new Date(after.at)), lt(webhookDeliveries.id, after.id))),
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => ({ at: last.createdAt.toISOString(), id: last.id }));
  const attempts = page.length === 0
    ? []
    : await db
        .select()
        .from(webhookDeliveryAttempts)
        .where(and(eq(webhookDeliveryAttempts.workspaceId, input.workspaceId), inArray(webhookDeliveryAttempts.deliveryId, page.map((row) => row.id))))
        .orderBy(asc(webhookDeliveryAttempts.createdAt), asc(webhookDeliveryAttempts.id))
        .limit(page.length * MAX_ATTEMPTS_SHOWN);
  return {
    deliveries: page.map((row) => ({
      id: row.id,
      event_id: row.eventId,
      event: row.event,
      status: row.status,
      attempts: row.attempts,
      response_status: row.responseStatus,
      last_error: row.lastError,
      last_attempt_at: row.lastAttemptAt?.toISOString() ?? null,
      delivered_at: row.deliveredAt?.toISOString() ?? null,
      created_at: row.createdAt.toISOString(),
      payload: row.payload,
      attempt_log: attempts
        .filter((attempt) => attempt.deliveryId === row.id)
        .map((attempt) => ({
          id: attempt.id,
          succeeded: attempt.succeeded,
          response_status: attempt.responseStatus,
          latency_ms: attempt.latencyMs,
          response_excerpt: attempt.responseExcerpt,
          error: attempt.error,
          created_at: attempt.createdAt.toISOString(),
        })),
    })),
    next_cursor,
  };
}
