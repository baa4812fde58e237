import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { deleteEventDefinition } from "../../services/event-definitions/delete-event-definition.ts";
import { eventDefinitionIdParam } from "./schemas.ts";

const route = createRoute({
  method: "delete",
  path: "/api/event-definitions/{eventDefinitionId}",
  tags: ["event definitions"],
  summary: "Delete a definition; events of that name are then accepted unvalidated",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("event_definitions.manage")] as const,
  request: { params: eventDefinitionIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const deleteEventDefinitionRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  await deleteEventDefinition({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, eventDefinitionId: c.req.valid("param").eventDefinitionId } });
  return c.body(null, 204);
});
