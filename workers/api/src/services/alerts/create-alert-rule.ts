/**
 * Creates an alert rule. A workspace holds at most ALERT_LIMITS.rulesPerWorkspace rules, so every
 * rule is evaluated on each run; the count is read under a lock on the workspace's row, so racing
 * creations cannot overshoot it.
 */
import { count, eq } from "drizzle-orm";
import { alertRules } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { ALERT_LIMITS, auditedRule, toAlertRuleView } from "./alert-rule-view.ts";
import { checkAlertRule, type AlertRuleDefinition } from "./check-alert-rule.ts";
import { lockLiveWorkspace } from "../workspaces/lock-workspace.ts";

export async function createAlertRule({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; rule: AlertRuleDefinition } }) {
  await checkAlertRule(ctx, input.workspaceId, input.rule);
  return ctx.db().transaction(async (tx) => {
    await lockLiveWorkspace(tx, input.workspaceId);
    const [existing] = await tx.select({ total: count() }).from(alertRules).where(eq(alertRules.workspaceId, input.workspaceId));
    if ((existing?.total ?? 0) >= ALERT_LIMITS.rulesPerWorkspace) {
      throw new ApiError("CONFLICT", `A workspace holds at most ${ALERT_LIMITS.rulesPerWorkspace} alert rules; delete one first`);
    }
    const [rule] = await tx
      .insert(alertRules)
      .values({ id: newId("alertRule"), workspaceId: input.workspaceId, createdById: input.actorUserId, ...input.rule })
      .returning();
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "alert_rule.create", targetType: "alert_rule", targetId: rule!.id, after: auditedRule(rule!) });
    return toAlertRuleView(rule!);
  });
}
