import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listAlertEvents } from "../../services/alerts/list-alert-events.ts";
import { alertEventsPageSchema, alertEventsQuerySchema, alertRuleIdParam } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/alerts/{alertId}/history",
  tags: ["alerts"],
  summary: "When the rule fired and resolved, with the value and threshold each time, newest first",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("alerts.read")] as const,
  request: { params: alertRuleIdParam, query: alertEventsQuerySchema },
  responses: { 200: jsonResponse("A page of events; next_cursor is null on the last page", alertEventsPageSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const listAlertHistoryRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const page = await listAlertEvents({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, ruleId: c.req.valid("param").alertId, limit: query.limit, cursor: query.cursor } });
  return c.json(page, 200);
});
