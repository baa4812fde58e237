/**
 * Dead letters for the admin console, newest first (ids are time-sortable), filtered by whether
 * they were replayed; paged by an opaque cursor holding the last id of a page.
 */
import { and, desc, isNotNull, isNull, lt, type SQL } from "drizzle-orm";
import * as z from "zod";
import { deadLetters, type DeadLetter } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";

const cursorSchema = z.strictObject({ id: z.string().max(64) });

export function toDeadLetterView(row: DeadLetter) {
  return {
    id: row.id,
    queue: row.queue,
    message_id: row.messageId,
    body: row.body,
    attempts: row.attempts,
    error: row.error,
    received_at: row.receivedAt.toISOString(),
    replayed_at: row.replayedAt?.toISOString() ?? null,
  };
}

export async function listDeadLetters({ ctx, input }: { ctx: ServiceContext; input: { status: "pending" | "replayed" | "all"; limit: number; cursor?: string | undefined } }) {
  const conditions: SQL[] = [];
  if (input.status === "pending") conditions.push(isNull(deadLetters.replayedAt));
  if (input.status === "replayed") conditions.push(isNotNull(deadLetters.replayedAt));
  if (input.cursor !== undefined) conditions.push(lt(deadLetters.id, decodeCursor(input.cursor, cursorSchema).id));
  const rows = await ctx
    .http()
    .select()
    .from(deadLetters)
    .where(and(...conditions))
    .orderBy(desc(deadLetters.id))
    .limit(input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => ({ id: last.id }));
  return {
    dead_letters: page.map(toDeadLetterView),
    next_cursor,
  };
}
