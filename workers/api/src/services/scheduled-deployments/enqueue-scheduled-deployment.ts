/**
 * The delayed QStash message that runs a schedule: one message to the job
 * (POST /api/jobs/scheduled-deployment) with Upstash-Not-Before at the schedule's time, which
 * QStash signs and retries. The job, not the message, decides whether anything happens (the
 * row's status), so cancelling the message is only a courtesy that saves a delivery.
 */
import { Client } from "@upstash/qstash";
import { ApiError, log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export const SCHEDULED_DEPLOYMENT_JOB = {
  path: "/api/jobs/scheduled-deployment",
  /** Deliveries QStash retries after a failed run (a failed run changed nothing). */
  retries: 5,
} as const;

function qstash(ctx: ServiceContext): Client {
  // devMode false: the configured URL and token always win over the SDK's QSTASH_DEV handling.
  return new Client({ baseUrl: ctx.env.QSTASH_URL, token: ctx.env.QSTASH_TOKEN, devMode: false, enableTelemetry: false, retry: { retries: 1 } });
}

/** The QStash message id; throws 503 when the job cannot be queued (the caller undoes the schedule). */
export async function enqueueScheduledDeployment({ ctx, input }: { ctx: ServiceContext; input: { scheduleId: string; runAt: Date } }): Promise<string> {
  const base = ctx.env.API_PUBLIC_URL;
  if (base === undefined) throw new ApiError("DEPENDENCY_UNAVAILABLE", "Scheduled publishing is not available: API_PUBLIC_URL is unset, so QStash cannot reach the job");
  try {
    const { messageId } = await qstash(ctx).publishJSON({
      url: new URL(SCHEDULED_DEPLOYMENT_JOB.path, base).href,
      body: { schedule_id: input.scheduleId },
      retries: SCHEDULED_DEPLOYMENT_JOB.retries,
      // Whole seconds, rounded up: the job never runs before the time asked for.
      notBefore: Math.ceil(input.runAt.getTime() / 1_000),
    });
    return messageId;
  } catch (error) {
    log("error", "scheduled deployment not queued: QStash refused the message", { schedule_id: input.scheduleId, error: error instanceof Error ? error.message : String(error) });
    throw new ApiError("DEPENDENCY_UNAVAILABLE", "The schedule could not be queued; try again");
  }
}

/** Best effort: a message QStash still holds is dropped; a failure is logged (the job would do nothing anyway). */
export async function cancelScheduledMessage({ ctx, input }: { ctx: ServiceContext; input: { scheduleId: string; messageId: string | null } }): Promise<void> {
  if (input.messageId === null) return;
  try {
    await qstash(ctx).messages.cancel(input.messageId);
  } catch (error) {
    log("warn", "scheduled deployment's QStash message not cancelled; its delivery will find the schedule cancelled", { schedule_id: input.scheduleId, error: error instanceof Error ? error.message : String(error) });
  }
}
