import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { createEventDefinition } from "../../services/event-definitions/create-event-definition.ts";
import { eventDefinitionBodyFields, eventDefinitionSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/event-definitions",
  tags: ["event definitions"],
  summary: "Define an event: the edge then validates events of that name against its fields",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("event_definitions.manage")] as const,
  request: {
    body: jsonBody(
      z.strictObject({
        ...eventDefinitionBodyFields,
        description: eventDefinitionBodyFields.description.optional(),
        required_fields: eventDefinitionBodyFields.required_fields.default([]),
        optional_fields: eventDefinitionBodyFields.optional_fields.default([]),
      }),
    ),
  },
  responses: { 201: jsonResponse("The new definition", eventDefinitionSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const createEventDefinitionRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const definition = await createEventDefinition({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      actorUserId: c.get("user")!.id,
      eventName: body.event_name,
      category: body.category,
      description: body.description ?? null,
      requiredFields: body.required_fields,
      optionalFields: body.optional_fields,
    },
  });
  return c.json(definition, 201);
});
