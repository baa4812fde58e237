/**
 * The backstop of scheduled deployments, run by the scheduled aggregation job: a schedule still
 * `scheduled` well after its time never got its QStash message (the isolate died between the
 * row's commit and the publish) or QStash spent its retries on it; it runs now, through the same
 * exactly-once path as a delivery (runScheduledDeployment), so a late delivery or the next sweep
 * does nothing. A bounded number per run, the oldest first; one that fails is logged and left for
 * the next run.
 */
import { and, asc, eq, lt } from "drizzle-orm";
import { scheduledDeployments } from "@xr2/db/schema";
import { describeError, log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { runScheduledDeployment } from "./run-scheduled-deployment.ts";

/** QStash delivers at run_at; past this, the message is taken to be lost. */
export const OVERDUE_AFTER_MS = 5 * 60_000;
const SWEEP_LIMIT = 20;

export async function sweepOverdueSchedules({ ctx, now = new Date() }: { ctx: ServiceContext; now?: Date }): Promise<{ ran: number; failed: number }> {
  const overdue = await ctx
    .db()
    .select({ id: scheduledDeployments.id })
    .from(scheduledDeployments)
    .where(and(eq(scheduledDeployments.status, "scheduled"), lt(scheduledDeployments.runAt, new Date(now.getTime() - OVERDUE_AFTER_MS))))
    .orderBy(asc(scheduledDeployments.runAt))
    .limit(SWEEP_LIMIT);
  let ran = 0;
  let failed = 0;
  for (const { id } of overdue) {
    try {
      if ((await runScheduledDeployment({ ctx, input: { scheduleId: id } })).ran) ran++;
    } catch (error) {
      failed++;
      log("error", "an overdue scheduled deployment could not run; the next sweep tries again", { request_id: ctx.requestId, schedule_id: id, error: describeError(error) });
    }
  }
  return { ran, failed };
}
