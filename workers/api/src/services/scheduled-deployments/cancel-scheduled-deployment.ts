/**
 * Cancelling a schedule that has not run: one conditional update, so a cancel and the job's run
 * cannot both win (the job holds the row's lock while it deploys; a cancel waiting for it then
 * finds the schedule ran, and answers 409).
 */
import { and, eq } from "drizzle-orm";
import { scheduledDeployments } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { cancelScheduledMessage } from "./enqueue-scheduled-deployment.ts";
import { getScheduledDeployment } from "./list-scheduled-deployments.ts";

export async function cancelScheduledDeployment({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; promptId: string; scheduleId: string; actorUserId: string } }) {
  const scope = and(eq(scheduledDeployments.id, input.scheduleId), eq(scheduledDeployments.workspaceId, input.workspaceId), eq(scheduledDeployments.promptId, input.promptId));
  const cancelled = await ctx.db().transaction(async (tx) => {
    const [row] = await tx
      .update(scheduledDeployments)
      .set({ status: "cancelled", cancelledById: input.actorUserId })
      .where(and(scope, eq(scheduledDeployments.status, "scheduled")))
      .returning({ id: scheduledDeployments.id, messageId: scheduledDeployments.qstashMessageId, action: scheduledDeployments.action, environment: scheduledDeployments.environment, runAt: scheduledDeployments.runAt });
    if (!row) {
      const [existing] = await tx.select({ status: scheduledDeployments.status }).from(scheduledDeployments).where(scope).limit(1);
      if (!existing) throw new ApiError("NOT_FOUND", "Scheduled deployment not found");
      throw new ApiError("CONFLICT", existing.status === "cancelled" ? "This scheduled deployment is already cancelled" : `This scheduled deployment has already run (${existing.status}); it can no longer be cancelled`);
    }
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "prompt.schedule_cancel",
      targetType: "prompt",
      targetId: input.promptId,
      before: { scheduled_deployment_id: row.id, status: "scheduled", action: row.action, environment: row.environment, run_at: row.runAt.toISOString() },
      after: { scheduled_deployment_id: row.id, status: "cancelled" },
    });
    return row;
  });
  await cancelScheduledMessage({ ctx, input: { scheduleId: cancelled.id, messageId: cancelled.messageId } });
  return getScheduledDeployment(ctx, input);
}
