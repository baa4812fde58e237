import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { updateAlertRule } from "../../services/alerts/update-alert-rule.ts";
import { alertRuleIdParam, alertRuleSchema, ruleChanges, updateAlertRuleBodySchema } from "./schemas.ts";

const route = createRoute({
  method: "patch",
  path: "/api/alerts/{alertId}",
  tags: ["alerts"],
  summary: "Change an alert rule (Member and above); disabling it returns it to ok without a notification",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("alerts.manage")] as const,
  request: { params: alertRuleIdParam, body: jsonBody(updateAlertRuleBodySchema) },
  responses: { 200: jsonResponse("The updated rule", alertRuleSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const updateAlertRuleRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const rule = await updateAlertRule({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, ruleId: c.req.valid("param").alertId, changes: ruleChanges(c.req.valid("json")) },
  });
  return c.json(rule, 200);
});
