/**
 * Changes a rule. The result is checked as a whole (check-alert-rule.ts). A changed condition
 * keeps the rule's state: the next evaluation judges it, and resolves it (once) if it no longer
 * holds. Disabling a rule stops its evaluation and returns it to "ok" without a notification:
 * whoever disabled it knows.
 */
import { and, eq } from "drizzle-orm";
import { alertRules } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { auditedRule, toAlertRuleView } from "./alert-rule-view.ts";
import { checkAlertRule, type AlertRuleDefinition } from "./check-alert-rule.ts";
import { loadAlertRule } from "./get-alert-rule.ts";

export async function updateAlertRule({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; ruleId: string; changes: Partial<AlertRuleDefinition> } }) {
  const current = await loadAlertRule(ctx, input.workspaceId, input.ruleId);
  const merged: AlertRuleDefinition = {
    name: current.name,
    metric: current.metric,
    promptId: current.promptId,
    environment: current.environment,
    comparison: current.comparison,
    threshold: current.threshold,
    windowMinutes: current.windowMinutes,
    baselineWindowMinutes: current.baselineWindowMinutes,
    eventName: current.eventName,
    experimentId: current.experimentId,
    minRequests: current.minRequests,
    enabled: current.enabled,
    ...input.changes,
  };
  await checkAlertRule(ctx, input.workspaceId, merged);
  return ctx.db().transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(alertRules)
      .where(and(eq(alertRules.id, input.ruleId), eq(alertRules.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!before) throw new ApiError("NOT_FOUND", "Alert rule not found");
    const [after] = await tx
      .update(alertRules)
      .set({ ...input.changes, ...(merged.enabled ? {} : { state: "ok" as const }) })
      .where(and(eq(alertRules.id, input.ruleId), eq(alertRules.workspaceId, input.workspaceId)))
      .returning();
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "alert_rule.update", targetType: "alert_rule", targetId: input.ruleId, before: auditedRule(before), after: auditedRule(after!) });
    return toAlertRuleView(after!);
  });
}
