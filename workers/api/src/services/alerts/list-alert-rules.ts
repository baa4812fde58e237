import { asc, eq } from "drizzle-orm";
import { alertRules } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { ALERT_LIMITS, toAlertRuleView } from "./alert-rule-view.ts";

/** Every rule of the workspace, oldest first: one bounded page (ALERT_LIMITS.rulesPerWorkspace). */
export async function listAlertRules({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const rules = await ctx
    .http()
    .select()
    .from(alertRules)
    .where(eq(alertRules.workspaceId, input.workspaceId))
    .orderBy(asc(alertRules.createdAt), asc(alertRules.id))
    .limit(ALERT_LIMITS.rulesPerWorkspace);
  return rules.map(toAlertRuleView);
}
