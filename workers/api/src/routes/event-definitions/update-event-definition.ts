import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { updateEventDefinition } from "../../services/event-definitions/update-event-definition.ts";
import { eventDefinitionBodyFields, eventDefinitionIdParam, eventDefinitionSchema } from "./schemas.ts";

const route = createRoute({
  method: "patch",
  path: "/api/event-definitions/{eventDefinitionId}",
  tags: ["event definitions"],
  summary: "Change a definition (a field list given replaces the old one)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("event_definitions.manage")] as const,
  request: {
    params: eventDefinitionIdParam,
    body: jsonBody(
      z
        .strictObject({
          event_name: eventDefinitionBodyFields.event_name.optional(),
          category: eventDefinitionBodyFields.category.optional(),
          description: eventDefinitionBodyFields.description.optional(),
          required_fields: eventDefinitionBodyFields.required_fields.optional(),
          optional_fields: eventDefinitionBodyFields.optional_fields.optional(),
        })
        .refine((body) => Object.values(body).some((value) => value !== undefined), "send at least one field to change"),
    ),
  },
  responses: { 200: jsonResponse("The updated definition", eventDefinitionSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const updateEventDefinitionRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const definition = await updateEventDefinition({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      actorUserId: c.get("user")!.id,
      eventDefinitionId: c.req.valid("param").eventDefinitionId,
      eventName: body.event_name,
      category: body.category,
      description: body.description,
      requiredFields: body.required_fields,
      optionalFields: body.optional_fields,
    },
  });
  return c.json(definition, 200);
});
