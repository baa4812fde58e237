/**
 * One workspace as the admin console shows it (S4): its owner, its members with their roles and
 * account state, how many prompts and live API keys it has, and its usage this UTC month.
 */
import { and, asc, count, eq, isNull } from "drizzle-orm";
import { apiKeys, prompts, users, workspaceMembers, workspaces } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { usageByDay } from "./platform-usage.ts";

export async function getWorkspaceOverview({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const db = ctx.http();
  const [found] = await db
    .select({ workspace: workspaces, owner: { id: users.id, email: users.email, name: users.name } })
    .from(workspaces)
    .innerJoin(users, eq(users.id, workspaces.ownerId))
    .where(eq(workspaces.id, input.workspaceId))
    .limit(1);
  if (!found) throw new ApiError("NOT_FOUND", "Workspace not found");
  const now = new Date();
  const monthStart = `${now.toISOString().slice(0, 7)}-01`;
  const [members, [promptCount], [keyCount], days] = await Promise.all([
    db
      .select({ user_id: users.id, email: users.email, name: users.name, role: workspaceMembers.role, joined_at: workspaceMembers.createdAt, disabled_at: users.disabledAt })
      .from(workspaceMembers)
      .innerJoin(users, eq(users.id, workspaceMembers.userId))
      .where(eq(workspaceMembers.workspaceId, input.workspaceId))
      .orderBy(asc(workspaceMembers.createdAt), asc(users.id)),
    db.select({ value: count() }).from(prompts).where(and(eq(prompts.workspaceId, input.workspaceId), eq(prompts.status, "active"))),
    db.select({ value: count() }).from(apiKeys).where(and(eq(apiKeys.workspaceId, input.workspaceId), isNull(apiKeys.revokedAt))),
    usageByDay(ctx, { from: monthStart, to: now.toISOString().slice(0, 10), workspaceId: input.workspaceId }),
  ]);
  const usage = { from: monthStart, requests: 0, events: 0, llm_requests: 0, llm_cost_micros: 0, reported_cost_micros: 0 };
  for (const day of days) {
    usage.requests += day.requests;
    usage.events += day.events;
    usage.llm_requests += day.llm_requests;
    usage.llm_cost_micros += day.llm_cost_micros;
    usage.reported_cost_micros += day.reported_cost_micros;
  }
  return {
    id: found.workspace.id,
    name: found.workspace.name,
    owner: found.owner,
    created_at: found.workspace.createdAt.toISOString(),
    prompt_count: promptCount?.value ?? 0,
    api_key_count: keyCount?.value ?? 0,
    members: members.map((member) => ({ ...member, is_owner: member.user_id === found.owner.id, joined_at: member.joined_at.toISOString(), disabled_at: member.disabled_at?.toISOString() ?? null })),
    usage_this_month: usage,
  };
}
