import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listEventDefinitions } from "../../services/event-definitions/list-event-definitions.ts";
import { eventDefinitionSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/event-definitions",
  tags: ["event definitions"],
  summary: "Every event definition of the workspace, by event name",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  responses: { 200: jsonResponse("Event definitions", z.object({ event_definitions: z.array(eventDefinitionSchema) })), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const listEventDefinitionsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json({ event_definitions: await listEventDefinitions({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id } }) }, 200),
);
