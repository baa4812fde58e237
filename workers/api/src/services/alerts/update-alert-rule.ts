/**
 * Changes a rule. The result is checked as a whole (check-alert-rule.ts). A changed condition
 * keeps the rule's state: the next evaluation judges it, and resolves it (once) if it no longer
 * holds. Disabling a rule stops its evaluation and returns it to "ok" without a notification:
 * whoever disabled it knows. A change checked against a rule that another change altered before it
 * got the rule's lock answers 409 CONFLICT, so no rule is stored that the check refuses.
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
  const checked = definitionOf(await loadAlertRule(ctx, input.workspaceId, input.ruleId));
  const merged: AlertRuleDefinition = { ...checked, ...input.changes };
  await checkAlertRule(ctx, input.workspaceId, merged);
  return ctx.db().transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(alertRules)
      .where(and(eq(alertRules.id, input.ruleId), eq(alertRules.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!before) throw new ApiError("NOT_FOUND", "Alert rule not found");
    // The check judged the change on the rule as it was read; a change committed since (waited
    // for on the lock) could make the two together a rule the check refuses. An evaluation's
    // state, also written under this lock, does not count.
    if (JSON.stringify(definitionOf(before)) !== JSON.stringify(checked)) {
      throw new ApiError("CONFLICT", "The alert rule was changed meanwhile by another request; read it again and send the change again");
    }
    const [after] = await tx
      .update(alertRules)
      .set({ ...input.changes, ...(merged.enabled ? {} : { state: "ok" as const }) })
      .where(and(eq(alertRules.id, input.ruleId), eq(alertRules.workspaceId, input.workspaceId)))
      .returning();
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "alert_rule.update", targetType: "alert_rule", targetId: input.ruleId, before: auditedRule(before), after: auditedRule(after!) });
    return toAlertRuleView(after!);
  });
}

/** What a rule is made of, as the check judges it (not its evaluation state), in one key order. */
function definitionOf(rule: AlertRuleDefinition): AlertRuleDefinition {
  return {
    name: rule.name,
    metric: rule.metric,
    promptId: rule.promptId,
    environment: rule.environment,
    comparison: rule.comparison,
    threshold: rule.threshold,
    windowMinutes: rule.windowMinutes,
    baselineWindowMinutes: rule.baselineWindowMinutes,
    eventName: rule.eventName,
    experimentId: rule.experimentId,
    minRequests: rule.minRequests,
    enabled: rule.enabled,
  };
}
