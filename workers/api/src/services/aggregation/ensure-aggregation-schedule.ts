/**
 * Registers the QStash schedule that runs the aggregation job. The schedule id is fixed, and
 * QStash replaces a schedule created again with the same id, so registering twice (every deploy,
 * every local start) leaves exactly one schedule, with the current destination and cron.
 *
 * Every five minutes: dashboards lag by at most that, and each run stays small because it only
 * recomputes the hours that received rows since the previous one.
 */
import { Client } from "@upstash/qstash";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";

export const AGGREGATION_SCHEDULE = {
  scheduleId: "xr2-aggregate",
  cron: "*/5 * * * *",
  path: "/api/jobs/aggregate",
  /** Deliveries QStash retries after a failed run (a run that failed changed nothing). */
  retries: 3,
} as const;

export interface AggregationScheduleView {
  schedule_id: string;
  destination: string;
  cron: string;
}

/** The URL QStash calls and signs: API_PUBLIC_URL's origin with the job's path. */
export function aggregationDestination(ctx: ServiceContext): string | undefined {
  const base = ctx.env.API_PUBLIC_URL;
  return base === undefined ? undefined : new URL(AGGREGATION_SCHEDULE.path, base).href;
}

export async function ensureAggregationSchedule({ ctx, input }: { ctx: ServiceContext; input: { actorUserId: string | null } }): Promise<AggregationScheduleView> {
  const destination = aggregationDestination(ctx);
  if (destination === undefined) throw new ApiError("MISCONFIGURED", "Set API_PUBLIC_URL (this API's public origin) so that QStash knows where to call the aggregation job");
  // devMode false: the configured URL and token always win over the SDK's QSTASH_DEV handling.
  const client = new Client({ baseUrl: ctx.env.QSTASH_URL, token: ctx.env.QSTASH_TOKEN, devMode: false, enableTelemetry: false, retry: { retries: 1 } });
  try {
    await client.schedules.create({
      scheduleId: AGGREGATION_SCHEDULE.scheduleId,
      destination,
      cron: AGGREGATION_SCHEDULE.cron,
      method: "POST",
      retries: AGGREGATION_SCHEDULE.retries,
    });
  } catch (error) {
    throw new ApiError("DEPENDENCY_UNAVAILABLE", `QStash did not register the schedule: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const view = { schedule_id: AGGREGATION_SCHEDULE.scheduleId, destination, cron: AGGREGATION_SCHEDULE.cron };
  await ctx.db().transaction((tx) =>
    recordAudit(tx, ctx, { workspaceId: null, actorUserId: input.actorUserId, action: "stats.schedule", targetType: "job", targetId: "aggregation", after: { ...view } }),
  );
  return view;
}
