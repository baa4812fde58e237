/** GET /api/notifications: the workspace's recent alert transitions, newest first (the site's notifications list). */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listAlertEvents } from "../../services/alerts/list-alert-events.ts";
import { alertEventsPageSchema, alertEventsQuerySchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/notifications",
  tags: ["alerts"],
  summary: "The workspace's fired and resolved alerts, newest first, with cursor pagination",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("alerts.read")] as const,
  request: { query: alertEventsQuerySchema },
  responses: { 200: jsonResponse("A page of events; next_cursor is null on the last page", alertEventsPageSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const listNotificationsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  return c.json(await listAlertEvents({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, limit: query.limit, cursor: query.cursor } }), 200);
});
