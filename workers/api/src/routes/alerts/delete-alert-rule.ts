import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { deleteAlertRule } from "../../services/alerts/delete-alert-rule.ts";
import { alertRuleIdParam } from "./schemas.ts";

const route = createRoute({
  method: "delete",
  path: "/api/alerts/{alertId}",
  tags: ["alerts"],
  summary: "Delete an alert rule and its history (Member and above)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("alerts.manage")] as const,
  request: { params: alertRuleIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const deleteAlertRuleRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  await deleteAlertRule({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, ruleId: c.req.valid("param").alertId } });
  return c.body(null, 204);
});
