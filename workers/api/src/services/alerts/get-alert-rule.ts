import { and, eq } from "drizzle-orm";
import { alertRules, type AlertRule } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { toAlertRuleView } from "./alert-rule-view.ts";

/** The workspace's rule, or 404 (also for another workspace's rule). */
export async function loadAlertRule(ctx: ServiceContext, workspaceId: string, ruleId: string): Promise<AlertRule> {
  const [rule] = await ctx
    .http()
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.id, ruleId), eq(alertRules.workspaceId, workspaceId)))
    .limit(1);
  if (!rule) throw new ApiError("NOT_FOUND", "Alert rule not found");
  return rule;
}

export async function getAlertRule({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; ruleId: string } }) {
  return toAlertRuleView(await loadAlertRule(ctx, input.workspaceId, input.ruleId));
}
