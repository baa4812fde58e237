/**
 * LLM quotas (L2): llm_requests_per_day and llm_cost_micros_per_month. The limit is the most
 * specific row: the user's (user_limits), else the workspace's (workspace_limits), else the
 * platform's (global_limits); a null value exempts, no row at all means unlimited. A user row
 * counts that user's calls in every workspace (their own keys follow them); the others count
 * the workspace's calls. Each attempt of a failover is a provider request and counts. Days and
 * months are UTC.
 */
import { and, eq, gte, sql, type SQL } from "drizzle-orm";
import { llmUsage, userLimits, type LimitName } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { loadLimitRows, resolveLimits } from "../workspaces/list-limits.ts";

type LlmLimit = Extract<LimitName, "llm_requests_per_day" | "llm_cost_micros_per_month">;

interface EffectiveLimit {
  value: number | null;
  scope: "user" | "workspace";
}

async function effectiveLimit(ctx: ServiceContext, name: LlmLimit, workspaceId: string, userId: string): Promise<EffectiveLimit | undefined> {
  const [[user], rows] = await Promise.all([
    ctx.http().select({ value: userLimits.value }).from(userLimits).where(and(eq(userLimits.userId, userId), eq(userLimits.name, name))).limit(1),
    loadLimitRows(ctx, [workspaceId]),
  ]);
  if (user) return { value: user.value, scope: "user" };
  // The workspace's and the platform's, through the one resolution (services/workspaces/list-limits.ts).
  const limit = resolveLimits({ rows, workspaceId, overrides: ctx.env.RATE_LIMIT_OVERRIDES }).find((candidate) => candidate.name === name)!;
  if (limit.source === "default") return undefined;
  return { value: limit.value, scope: "workspace" };
}

function startOfUtcDay(now: Date) {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
function startOfUtcMonth(now: Date) {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** 429 QUOTA_EXCEEDED when `requests` more calls would pass a limit, or this month's cost is used up. */
export async function assertLlmQuota(ctx: ServiceContext, input: { workspaceId: string; userId: string; requests: number }): Promise<void> {
  const now = new Date();
  const [requestLimit, costLimit] = await Promise.all([
    effectiveLimit(ctx, "llm_requests_per_day", input.workspaceId, input.userId),
    effectiveLimit(ctx, "llm_cost_micros_per_month", input.workspaceId, input.userId),
  ]);
  const scopeCondition = (limit: EffectiveLimit): SQL => (limit.scope === "user" ? eq(llmUsage.userId, input.userId) : eq(llmUsage.workspaceId, input.workspaceId));
  const whose = (limit: EffectiveLimit) => (limit.scope === "user" ? "your" : "this workspace's");
  if (requestLimit && requestLimit.value !== null) {
    const dayStart = startOfUtcDay(now);
    const [used] = await ctx.http().select({ count: sql<number>`count(*)::int` }).from(llmUsage).where(and(scopeCondition(requestLimit), gte(llmUsage.createdAt, dayStart)));
    if ((used?.count ?? 0) + input.requests > requestLimit.value) {
      const reset = new Date(dayStart.getTime() + 86_400_000);
      throw new ApiError("QUOTA_EXCEEDED", `LLM quota reached: ${whose(requestLimit)} limit is ${requestLimit.value} requests per day (${used?.count ?? 0} used today, UTC); it resets at ${reset.toISOString()}`, {
        headers: { "Retry-After": String(Math.max(1, Math.ceil((reset.getTime() - now.getTime()) / 1000))) },
        details: { quota: "llm_requests_per_day", limit: "llm_requests_per_day", value: requestLimit.value, used: used?.count ?? 0, resets_at: reset.toISOString() },
      });
    }
  }
  if (costLimit && costLimit.value !== null) {
    const monthStart = startOfUtcMonth(now);
    const [spent] = await ctx.http().select({ micros: sql<number>`coalesce(sum(${llmUsage.costMicros}), 0)::float8` }).from(llmUsage).where(and(scopeCondition(costLimit), gte(llmUsage.createdAt, monthStart)));
    if ((spent?.micros ?? 0) >= costLimit.value) {
      const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
      throw new ApiError("QUOTA_EXCEEDED", `LLM quota reached: ${whose(costLimit)} limit is $${(costLimit.value / 1e6).toFixed(2)} per month (spent $${((spent?.micros ?? 0) / 1e6).toFixed(4)}); it resets at ${reset.toISOString()}`, {
        headers: { "Retry-After": String(Math.max(1, Math.ceil((reset.getTime() - now.getTime()) / 1000))) },
        details: { quota: "llm_cost_micros_per_month", limit: "llm_cost_micros_per_month", value: costLimit.value, used: spent?.micros ?? 0, resets_at: reset.toISOString() },
      });
    }
  }
}
