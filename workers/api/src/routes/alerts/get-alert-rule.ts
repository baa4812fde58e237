import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { getAlertRule } from "../../services/alerts/get-alert-rule.ts";
import { alertRuleIdParam, alertRuleSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/alerts/{alertId}",
  tags: ["alerts"],
  summary: "An alert rule with its state and last evaluation",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("alerts.read")] as const,
  request: { params: alertRuleIdParam },
  responses: { 200: jsonResponse("The rule", alertRuleSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const getAlertRuleRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await getAlertRule({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, ruleId: c.req.valid("param").alertId } }), 200),
);
