/** The aggregation job's recent runs for the admin console (aggregation_runs), newest first, paged by cursor. */
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { aggregationRuns, users } from "@xr2/db/schema";
import * as z from "zod";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";

const cursorSchema = z.strictObject({ id: z.string().max(64) });

export async function listAggregationRuns({ ctx, input }: { ctx: ServiceContext; input: { limit: number; cursor?: string | undefined } }) {
  const db = ctx.http();
  const conditions: SQL[] = [];
  if (input.cursor !== undefined) {
    const { id } = decodeCursor(input.cursor, cursorSchema);
    const [anchor] = await db.select({ id: aggregationRuns.id }).from(aggregationRuns).where(eq(aggregationRuns.id, id)).limit(1);
    if (!anchor) throw new ApiError("VALIDATION_FAILED", "cursor does not belong to this list");
    conditions.push(sql`(${aggregationRuns.startedAt}, ${aggregationRuns.id}) < (select anchor.started_at, anchor.id from ${aggregationRuns} anchor where anchor.id = ${id})`);
  }
  const rows = await db
    .select({ run: aggregationRuns, actor: { id: users.id, email: users.email } })
    .from(aggregationRuns)
    .leftJoin(users, eq(users.id, aggregationRuns.actorUserId))
    .where(and(...conditions))
    .orderBy(desc(aggregationRuns.startedAt), desc(aggregationRuns.id))
    .limit(input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => ({ id: last.run.id }));
  return {
    runs: page.map(({ run, actor }) => ({
      id: run.id,
      trigger: run.trigger,
      actor: actor?.id ? { id: actor.id, email: actor.email } : null,
      started_at: run.startedAt.toISOString(),
      finished_at: run.finishedAt?.toISOString() ?? null,
      status: run.finishedAt === null ? ("running" as const) : run.error === null ? ("succeeded" as const) : ("failed" as const),
      batches: run.batches,
      hours_recomputed: run.hoursRecomputed,
      days_recomputed: run.daysRecomputed,
      rows_changed: run.rowsChanged,
      more: run.more,
      error: run.error,
    })),
    next_cursor,
  };
}
