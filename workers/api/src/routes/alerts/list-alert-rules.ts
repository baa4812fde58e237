import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listAlertRules } from "../../services/alerts/list-alert-rules.ts";
import { alertRuleSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/alerts",
  tags: ["alerts"],
  summary: "Every alert rule of the workspace (at most 50), oldest first, with its state",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("alerts.read")] as const,
  responses: { 200: jsonResponse("Alert rules", z.object({ alerts: z.array(alertRuleSchema) })), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const listAlertRulesRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json({ alerts: await listAlertRules({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id } }) }, 200),
);
