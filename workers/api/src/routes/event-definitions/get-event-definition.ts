import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { getEventDefinition } from "../../services/event-definitions/get-event-definition.ts";
import { eventDefinitionIdParam, eventDefinitionSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/event-definitions/{eventDefinitionId}",
  tags: ["event definitions"],
  summary: "One event definition",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: { params: eventDefinitionIdParam },
  responses: { 200: jsonResponse("The definition", eventDefinitionSchema), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const getEventDefinitionRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await getEventDefinition({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, eventDefinitionId: c.req.valid("param").eventDefinitionId } }), 200),
);
