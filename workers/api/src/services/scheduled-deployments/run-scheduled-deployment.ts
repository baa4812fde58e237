/**
 * Running a schedule when its QStash message arrives: exactly once. The schedule's row is locked
 * inside the deployment's own transaction (after the prompt's lock, the order every deployment
 * takes), and the deployment, the row's new status and the audit entry commit together; a
 * cancelled, already-run or redelivered schedule finds its status moved on and does nothing.
 *
 * It runs as the member who scheduled it, with their role *now* (and an access token's scopes):
 * - someone who may no longer publish (left the workspace, became a Viewer) → failed;
 * - a publish to production in a workspace that requires approval, by someone who may not
 *   approve, becomes an approval request at the scheduled time, exactly as that member's publish
 *   would → awaiting_approval (an Admin's approval then deploys it, from the approvals inbox);
 * - a rollback needs no approval, as a rollback by hand needs none (the emergency exit).
 * A deployment the services refuse (version archived, nothing to roll back to, prompt archived)
 * marks the schedule failed with their message. Other errors answer 5xx, so QStash retries; the
 * transaction that failed changed nothing.
 */
import { and, eq } from "drizzle-orm";
import { scheduledDeployments, workspaceMembers, workspaces, type ScheduledDeployment, type ScheduledDeploymentOutcome } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { allows, type AccessTokenScope, type WorkspaceCaller } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { projectEnvironment } from "../prompts/project-published-prompt.ts";
import { inDeploymentTransaction } from "../prompts/publish-version.ts";
import { requestDeploymentInTransaction } from "../prompts/request-deployment.ts";
import { rollbackInTransaction } from "../prompts/rollback-prompt.ts";

export type RunResult = { schedule_id: string; ran: false; status: string } | { schedule_id: string; ran: true; status: "done" | "awaiting_approval" | "failed"; error?: string };

export async function runScheduledDeployment({ ctx, input }: { ctx: ServiceContext; input: { scheduleId: string } }): Promise<RunResult> {
  const [row] = await ctx.http().select().from(scheduledDeployments).where(eq(scheduledDeployments.id, input.scheduleId)).limit(1);
  // Gone with its prompt or workspace, cancelled, or already run: nothing to do.
  if (!row || row.status !== "scheduled") return { schedule_id: input.scheduleId, ran: false, status: row?.status ?? "not_found" };
  try {
    const { slug, result } = await inDeploymentTransaction(ctx, row, (tx) => runLocked(tx, ctx, row.id));
    if (result === null) return { schedule_id: row.id, ran: false, status: "already_run" };
    if (result.status === "done") await projectEnvironment({ ctx, input: { workspaceId: row.workspaceId, environment: row.environment, slug } });
    return { schedule_id: row.id, ran: true, status: result.status };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    return markFailed(ctx, row, error.message);
  }
}

async function runLocked(tx: Transaction, ctx: ServiceContext, scheduleId: string): Promise<{ status: "done" | "awaiting_approval" } | null> {
  const [schedule] = await tx.select().from(scheduledDeployments).where(eq(scheduledDeployments.id, scheduleId)).for("update").limit(1);
  if (!schedule || schedule.status !== "scheduled") return null;
  const actor = await schedulerNow(tx, schedule);
  const base = { workspaceId: schedule.workspaceId, promptId: schedule.promptId, environment: schedule.environment, actorUserId: actor.userId, note: schedule.note ?? undefined };
  let outcome: ScheduledDeploymentOutcome;
  if (schedule.action === "publish") {
    const versionId = schedule.versionId!;
    const requested = await requestDeploymentInTransaction(tx, ctx, { ...base, actor: actor.caller, chooseVersion: async () => versionId });
    outcome = requested.status === "deployed" ? { deployment_id: requested.deployment_id, to_version_id: requested.to_version_id, version: requested.version } : { approval_request_id: requested.approval_request_id };
  } else {
    const deployment = await rollbackInTransaction(tx, ctx, { ...base, versionId: schedule.versionId ?? undefined });
    outcome = { deployment_id: deployment.deployment_id, to_version_id: deployment.to_version_id, version: deployment.version };
  }
  const status = "approval_request_id" in outcome ? ("awaiting_approval" as const) : ("done" as const);
  await tx.update(scheduledDeployments).set({ status, outcome, ranAt: new Date() }).where(eq(scheduledDeployments.id, schedule.id));
  await recordAudit(tx, ctx, { workspaceId: schedule.workspaceId, actorUserId: actor.userId, action: "prompt.schedule_run", targetType: "prompt", targetId: schedule.promptId, after: { scheduled_deployment_id: schedule.id, status, ...outcome } });
  return { status };
}

/** The scheduling member as they are now; refused (the schedule fails) when they may no longer publish. */
async function schedulerNow(tx: Transaction, schedule: ScheduledDeployment): Promise<{ userId: string; caller: WorkspaceCaller }> {
  const [member] = schedule.createdById
    ? await tx
        .select({ role: workspaceMembers.role, deletedAt: workspaces.deletedAt })
        .from(workspaceMembers)
        .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
        .where(and(eq(workspaceMembers.workspaceId, schedule.workspaceId), eq(workspaceMembers.userId, schedule.createdById)))
        .limit(1)
    : [];
  if (!member || member.deletedAt !== null) throw new ApiError("FORBIDDEN", "The member who scheduled this is no longer in the workspace");
  const caller: WorkspaceCaller = schedule.createdWithScopes ? { role: member.role, scopes: schedule.createdWithScopes as AccessTokenScope[] } : { role: member.role };
  if (!allows(caller, "prompts.publish")) throw new ApiError("FORBIDDEN", `The member who scheduled this may no longer publish (role ${member.role})`);
  return { userId: schedule.createdById!, caller };
}

async function markFailed(ctx: ServiceContext, schedule: ScheduledDeployment, error: string): Promise<RunResult> {
  const failed = await ctx.db().transaction(async (tx) => {
    const [row] = await tx
      .update(scheduledDeployments)
      .set({ status: "failed", error, ranAt: new Date() })
      .where(and(eq(scheduledDeployments.id, schedule.id), eq(scheduledDeployments.status, "scheduled")))
      .returning({ id: scheduledDeployments.id });
    if (row) await recordAudit(tx, ctx, { workspaceId: schedule.workspaceId, actorUserId: schedule.createdById, action: "prompt.schedule_run", targetType: "prompt", targetId: schedule.promptId, after: { scheduled_deployment_id: schedule.id, status: "failed", error } });
    return row !== undefined;
  });
  return failed ? { schedule_id: schedule.id, ran: true, status: "failed", error } : { schedule_id: schedule.id, ran: false, status: "already_run" };
}
