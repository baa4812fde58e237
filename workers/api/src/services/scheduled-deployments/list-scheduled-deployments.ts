/**
 * A prompt's scheduled deployments, for the deployment panel: every pending one (at most
 * SCHEDULE_LIMITS.pendingPerWorkspace exist), soonest first, and the latest that ran, failed or
 * were cancelled. A schedule that ran into the approval rule shows its approval request's state.
 */
import { and, asc, desc, eq, ne, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { approvalRequests, prompts, promptVersions, scheduledDeployments, users, type ApprovalRequestStatus, type ScheduledDeployment } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { SCHEDULE_LIMITS } from "./limits.ts";

type Scope = { workspaceId: string; promptId: string };

const creator = alias(users, "creator");

/** The approval request a schedule's run made, read from its outcome. */
const outcomeApprovalId = sql`${scheduledDeployments.outcome}->>'approval_request_id'`;

async function select(ctx: ServiceContext, where: SQL | undefined, order: "pending" | "recent", limit: number) {
  const rows = await ctx
    .http()
    .select({ schedule: scheduledDeployments, version: promptVersions.versionNumber, createdByName: creator.name, approvalStatus: approvalRequests.status })
    .from(scheduledDeployments)
    .leftJoin(promptVersions, and(eq(promptVersions.id, scheduledDeployments.versionId), eq(promptVersions.promptId, scheduledDeployments.promptId)))
    .leftJoin(creator, eq(creator.id, scheduledDeployments.createdById))
    .leftJoin(approvalRequests, and(eq(approvalRequests.workspaceId, scheduledDeployments.workspaceId), eq(approvalRequests.id, outcomeApprovalId)))
    .where(where)
    .orderBy(...(order === "pending" ? [asc(scheduledDeployments.runAt), asc(scheduledDeployments.id)] : [desc(scheduledDeployments.updatedAt), desc(scheduledDeployments.id)]))
    .limit(limit);
  return rows.map((row) => view(row.schedule, { version: row.version, createdByName: row.createdByName, approvalStatus: row.approvalStatus }));
}

export function view(schedule: ScheduledDeployment, extra: { version: number | null; createdByName: string | null; approvalStatus: ApprovalRequestStatus | null }) {
  return {
    id: schedule.id,
    prompt_id: schedule.promptId,
    action: schedule.action,
    environment: schedule.environment,
    version_id: schedule.versionId,
    version: extra.version,
    run_at: schedule.runAt.toISOString(),
    status: schedule.status,
    note: schedule.note,
    created_by_id: schedule.createdById,
    created_by_name: extra.createdByName,
    outcome: schedule.outcome,
    approval_status: extra.approvalStatus,
    error: schedule.error,
    ran_at: schedule.ranAt?.toISOString() ?? null,
    created_at: schedule.createdAt.toISOString(),
    updated_at: schedule.updatedAt.toISOString(),
  };
}

export type ScheduledDeploymentView = ReturnType<typeof view>;

export async function listScheduledDeployments({ ctx, input }: { ctx: ServiceContext; input: Scope }) {
  const [prompt] = await ctx.http().select({ id: prompts.id }).from(prompts).where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId))).limit(1);
  if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
  const scope = and(eq(scheduledDeployments.workspaceId, input.workspaceId), eq(scheduledDeployments.promptId, input.promptId));
  const [pending, recent] = await Promise.all([
    select(ctx, and(scope, eq(scheduledDeployments.status, "scheduled")), "pending", SCHEDULE_LIMITS.pendingPerWorkspace),
    select(ctx, and(scope, ne(scheduledDeployments.status, "scheduled")), "recent", SCHEDULE_LIMITS.recentListed),
  ]);
  return { pending, recent };
}

export async function getScheduledDeployment(ctx: ServiceContext, input: Scope & { scheduleId: string }): Promise<ScheduledDeploymentView> {
  const [found] = await select(ctx, and(eq(scheduledDeployments.workspaceId, input.workspaceId), eq(scheduledDeployments.promptId, input.promptId), eq(scheduledDeployments.id, input.scheduleId)), "pending", 1);
  if (!found) throw new ApiError("NOT_FOUND", "Scheduled deployment not found");
  return found;
}
