import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { updateVersion } from "../../../services/versions/update-version.ts";
import { changelogSchema, contentSchema, messagesSchema, modelConfigSchema, variablesSchema, versionParams, versionSchema } from "./schemas.ts";

const body = z
  .strictObject({
    content: contentSchema.optional().openapi({ description: "Makes it a text prompt with this template" }),
    messages: messagesSchema.optional().openapi({ description: "Makes it a chat prompt with these messages" }),
    variables: variablesSchema.optional(),
    model_config: modelConfigSchema.optional(),
    changelog: changelogSchema.nullable().optional(),
  })
  .refine((fields) => fields.content === undefined || fields.messages === undefined, "send content or messages, not both")
  .refine((fields) => Object.values(fields).some((value) => value !== undefined), "send at least one field to change");

const route = createRoute({
  method: "patch",
  path: "/api/prompts/{promptId}/versions/{versionId}",
  tags: ["versions"],
  summary: "Edit a draft; versions are immutable once out of draft (409)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write"), promptReference] as const,
  request: { params: versionParams, body: jsonBody(body) },
  responses: { 200: jsonResponse("The updated draft", versionSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const updateVersionRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const fields = c.req.valid("json");
  const version = await updateVersion({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      ...c.req.valid("param"),
      actorUserId: c.get("user")!.id,
      body: fields.content !== undefined ? { content: fields.content } : fields.messages !== undefined ? { messages: fields.messages } : undefined,
      variables: fields.variables,
      modelConfig: fields.model_config,
      changelog: fields.changelog,
    },
  });
  return c.json(version, 200);
});
