/**
 * The aggregation job (A2): rolls exposures and events up into prompt_stats_hourly and
 * prompt_stats_daily, for every workspace. QStash calls it on a schedule; platform admins can
 * run it on demand, optionally forcing a range to be recomputed.
 *
 * A run works in batches, each one transaction holding the job's lock:
 * 1. mark the hours touched by rows received since the watermark (mark-pending-buckets.ts);
 * 2. take the oldest pending hours, recompute them and the days they fall in from raw rows
 *    (recompute-buckets.ts), and unmark them.
 * Every number is recomputed from scratch, so a repeated or overlapping run writes the same
 * rows. Work is bounded per batch and per call; `more` tells the caller there is more to do
 * (the next scheduled run continues where this one stopped).
 */
import { eq, inArray, sql } from "drizzle-orm";
import { aggregationPendingBuckets, aggregationRuns } from "@xr2/db/schema";
import { describeError, newId } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { isoText, lockWatermark, markRange, markReceivedRows } from "./mark-pending-buckets.ts";
import { recomputeBuckets, type Bucket } from "./recompute-buckets.ts";

export const AGGREGATION_LIMITS = {
  /** Rows of each table read past the watermark per batch. */
  receivedRowsPerBatch: 20_000,
  /** Hours recomputed per batch (their days are recomputed with them). */
  hoursPerBatch: 50,
  batchesPerCall: 4,
  /** The longest range an admin may force to be recomputed at once. */
  maxRangeDays: 31,
} as const;

export interface AggregationReport {
  batches: number;
  hours_recomputed: number;
  days_recomputed: number;
  /** Stats rows written or deleted because their numbers changed. */
  rows_changed: number;
  /** True when work was left for the next call. */
  more: boolean;
}

export interface AggregationInput {
  /** A range whose hours are recomputed in addition to what arrived since the last run. */
  range?: { from: string; to: string } | undefined;
  /** The platform admin who asked; undefined for QStash's scheduled runs (not audited). */
  actorUserId?: string | undefined;
  /**
   * Recompute only these workspaces' pending hours (an admin refreshing some workspaces now);
   * what arrived is still marked for all, so the others are done by the next full run.
   */
  workspaceIds?: readonly string[] | undefined;
}

/** Runs the job and records the call in aggregation_runs (the admin console's job list), failed ones with their error. */
export async function runAggregation({ ctx, input }: { ctx: ServiceContext; input: AggregationInput }): Promise<AggregationReport> {
  const runId = newId("aggregationRun");
  await ctx.http().insert(aggregationRuns).values({ id: runId, trigger: input.actorUserId ? "admin" : "schedule", actorUserId: input.actorUserId ?? null });
  try {
    const report = await aggregate(ctx, input);
    await ctx.http().update(aggregationRuns).set({ finishedAt: new Date(), batches: report.batches, hoursRecomputed: report.hours_recomputed, daysRecomputed: report.days_recomputed, rowsChanged: report.rows_changed, more: report.more }).where(eq(aggregationRuns.id, runId));
    return report;
  } catch (error) {
    await ctx.http().update(aggregationRuns).set({ finishedAt: new Date(), error: errorText(error) }).where(eq(aggregationRuns.id, runId));
    throw error;
  }
}

async function aggregate(ctx: ServiceContext, input: AggregationInput): Promise<AggregationReport> {
  const report: AggregationReport = { batches: 0, hours_recomputed: 0, days_recomputed: 0, rows_changed: 0, more: true };
  while (report.more && report.batches < AGGREGATION_LIMITS.batchesPerCall) {
    const first = report.batches === 0;
    await ctx.db().transaction(async (tx) => {
      const watermark = await lockWatermark(tx);
      if (first && input.range) await markRange(tx, input.range);
      if (first && input.actorUserId) {
        await recordAudit(tx, ctx, {
          workspaceId: null,
          actorUserId: input.actorUserId,
          action: "stats.aggregate",
          targetType: "job",
          targetId: "aggregation",
          after: { ...(input.range ? { from: input.range.from, to: input.range.to } : {}), ...(input.workspaceIds ? { workspace_ids: [...input.workspaceIds] } : {}) },
        });
      }
      const received = await markReceivedRows(tx, watermark, AGGREGATION_LIMITS.receivedRowsPerBatch);
      const batch = await recomputePending(tx, input.workspaceIds);
      report.batches++;
      report.hours_recomputed += batch.hours;
      report.days_recomputed += batch.days;
      report.rows_changed += batch.rowsChanged;
      report.more = received.more || batch.pendingLeft;
    });
  }
  return report;
}

async function recomputePending(tx: Transaction, workspaceIds: readonly string[] | undefined) {
  const scope = workspaceIds === undefined ? sql`true` : inArray(aggregationPendingBuckets.workspaceId, [...workspaceIds]);
  const taken = await tx.execute<{ workspace_id: string; bucket_start: string }>(sql`
    select workspace_id, ${isoText(sql`bucket_start`)} as bucket_start from ${aggregationPendingBuckets}
    where ${scope}
    order by bucket_start, workspace_id limit ${AGGREGATION_LIMITS.hoursPerBatch}`);
  const hours: Bucket[] = taken.rows.map((row) => ({ workspaceId: row.workspace_id, bucketStart: row.bucket_start }));
  // Buckets are UTC, so a day starts at the date of any of its hours.
  const days = [...new Map(hours.map((hour) => {
    const day = { workspaceId: hour.workspaceId, bucketStart: `${hour.bucketStart.slice(0, 10)}T00:00:00Z` };
    return [`${day.workspaceId} ${day.bucketStart}`, day] as const;
  })).values()];
  const hourly = await recomputeBuckets(tx, "hour", hours);
  const daily = await recomputeBuckets(tx, "day", days);
  if (hours.length > 0) {
    const keys = sql.join(hours.map((hour) => sql`(${hour.bucketStart}::timestamptz, ${hour.workspaceId}::text)`), sql`, `);
    await tx.execute(sql`delete from ${aggregationPendingBuckets} where (bucket_start, workspace_id) in (values ${keys})`);
  }
  const left = await tx.execute<{ pending: boolean }>(sql`select exists (select 1 from ${aggregationPendingBuckets} where ${scope}) as pending`);
  return { hours: hours.length, days: days.length, rowsChanged: hourly.rowsChanged + daily.rowsChanged, pendingLeft: left.rows[0]?.pending ?? false };
}

/** What the run list shows of a failure: the error's name and message (a failed query's text, not its parameters). */
function errorText(error: unknown): string {
  const described = describeError(error);
  return (typeof described === "string" ? described : `${String(described.name)}: ${String(described.message)}`).slice(0, 2000);
}
