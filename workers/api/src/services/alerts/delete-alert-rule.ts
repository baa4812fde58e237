import { and, eq } from "drizzle-orm";
import { alertRules } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { auditedRule } from "./alert-rule-view.ts";

/** Deletes a rule and its history (ON DELETE CASCADE); the audit log keeps its definition. */
export async function deleteAlertRule({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; ruleId: string } }) {
  await ctx.db().transaction(async (tx) => {
    const [deleted] = await tx
      .delete(alertRules)
      .where(and(eq(alertRules.id, input.ruleId), eq(alertRules.workspaceId, input.workspaceId)))
      .returning();
    if (!deleted) throw new ApiError("NOT_FOUND", "Alert rule not found");
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "alert_rule.delete", targetType: "alert_rule", targetId: input.ruleId, before: auditedRule(deleted) });
  });
}
