/**
 * Scheduling a publish or rollback of a prompt's environment (issue #18). What can be checked now
 * is refused now (prompt and version of the workspace, the version deployable, the time within a
 * year, the workspace's count of pending schedules); what depends on the moment it runs (the
 * scheduler's role, the approval rule, what the environment serves) is decided by the job then
 * (run-scheduled-deployment.ts).
 *
 * The row is written first and the delayed QStash message queued after, so the job can always
 * find the schedule it is sent for; a message QStash refuses removes the row again (503).
 */
import { and, count, eq } from "drizzle-orm";
import { prompts, promptVersions, scheduledDeployments, type ScheduledDeploymentAction } from "@xr2/db/schema";
import { ApiError, newId, type Environment } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import type { AccessTokenScope } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { loadDeployableVersion } from "../prompts/publish-version.ts";
import { enqueueScheduledDeployment } from "./enqueue-scheduled-deployment.ts";
import { SCHEDULE_LIMITS } from "./limits.ts";
import { getScheduledDeployment } from "./list-scheduled-deployments.ts";
import { lockLiveWorkspace } from "../workspaces/lock-workspace.ts";

export interface ScheduleInput {
  workspaceId: string;
  promptId: string;
  versionId: string | undefined;
  environment: Environment;
  action: ScheduledDeploymentAction;
  runAt: Date;
  note: string | undefined;
  actorUserId: string;
  /** The access token's scopes when a token schedules; they bound the run too. */
  actorScopes: readonly AccessTokenScope[] | undefined;
}

export async function scheduleDeployment({ ctx, input }: { ctx: ServiceContext; input: ScheduleInput }) {
  checkRunAt(input.runAt, new Date());
  const id = newId("scheduledDeployment");
  await ctx.db().transaction(async (tx) => {
    // Serialises schedule creation per workspace, so the pending limit holds under concurrent calls.
    await lockLiveWorkspace(tx, input.workspaceId);
    await checkTarget(tx, input);
    const [pending] = await tx
      .select({ n: count() })
      .from(scheduledDeployments)
      .where(and(eq(scheduledDeployments.workspaceId, input.workspaceId), eq(scheduledDeployments.status, "scheduled")));
    if ((pending?.n ?? 0) >= SCHEDULE_LIMITS.pendingPerWorkspace) {
      throw new ApiError("CONFLICT", `A workspace can have at most ${SCHEDULE_LIMITS.pendingPerWorkspace} pending scheduled deployments; cancel some first`);
    }
    await tx.insert(scheduledDeployments).values({
      id,
      workspaceId: input.workspaceId,
      promptId: input.promptId,
      versionId: input.versionId ?? null,
      environment: input.environment,
      action: input.action,
      runAt: input.runAt,
      createdById: input.actorUserId,
      createdWithScopes: input.actorScopes ? [...input.actorScopes] : null,
      note: input.note ?? null,
    });
  });

  let messageId: string;
  try {
    messageId = await enqueueScheduledDeployment({ ctx, input: { scheduleId: id, runAt: input.runAt } });
  } catch (error) {
    await ctx.db().delete(scheduledDeployments).where(eq(scheduledDeployments.id, id));
    throw error;
  }
  await ctx.db().transaction(async (tx) => {
    await tx.update(scheduledDeployments).set({ qstashMessageId: messageId }).where(eq(scheduledDeployments.id, id));
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "prompt.schedule",
      targetType: "prompt",
      targetId: input.promptId,
      after: { scheduled_deployment_id: id, action: input.action, environment: input.environment, version_id: input.versionId ?? null, run_at: input.runAt.toISOString() },
    });
  });
  return getScheduledDeployment(ctx, { workspaceId: input.workspaceId, promptId: input.promptId, scheduleId: id });
}

/** run_at: later than now and at most a year ahead (QStash holds a delayed message that long). */
export function checkRunAt(runAt: Date, now: Date): void {
  if (runAt.getTime() <= now.getTime()) throw new ApiError("VALIDATION_FAILED", "run_at must be in the future", { details: [{ path: ["run_at"], message: "in the past" }] });
  if (runAt.getTime() - now.getTime() > SCHEDULE_LIMITS.maxAheadMs) {
    throw new ApiError("VALIDATION_FAILED", "run_at must be at most one year ahead", { details: [{ path: ["run_at"], message: "more than a year ahead" }] });
  }
}

/** The prompt (active) and version of the workspace; a publish's version must be deployable now. */
async function checkTarget(tx: Transaction, input: ScheduleInput): Promise<void> {
  const [prompt] = await tx
    .select({ status: prompts.status })
    .from(prompts)
    .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
    .limit(1);
  if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
  if (prompt.status !== "active") throw new ApiError("CONFLICT", "This prompt is archived; unarchive it before scheduling a deployment");
  if (input.versionId === undefined) return;
  if (input.action === "publish") {
    await loadDeployableVersion(tx, { workspaceId: input.workspaceId, promptId: input.promptId, versionId: input.versionId });
    return;
  }
  const [version] = await tx
    .select({ id: promptVersions.id })
    .from(promptVersions)
    .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.promptId, input.promptId), eq(promptVersions.workspaceId, input.workspaceId)))
    .limit(1);
  if (!version) throw new ApiError("NOT_FOUND", "Version not found");
}
