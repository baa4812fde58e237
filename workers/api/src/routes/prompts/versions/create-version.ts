import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { createVersion } from "../../../services/versions/create-version.ts";
import { promptIdParam } from "../schemas.ts";
import { changelogSchema, contentSchema, messagesSchema, modelConfigSchema, variablesSchema, versionSchema } from "./schemas.ts";

const body = z
  .strictObject({
    content: contentSchema.optional().openapi({ description: "The template of a text prompt" }),
    messages: messagesSchema.optional().openapi({ description: "The templated messages of a chat prompt" }),
    variables: variablesSchema.optional(),
    model_config: modelConfigSchema.optional(),
    changelog: changelogSchema.optional(),
  })
  .refine((fields) => (fields.content === undefined) !== (fields.messages === undefined), "send exactly one of content (text prompt) or messages (chat prompt)");

const route = createRoute({
  method: "post",
  path: "/api/prompts/{promptId}/versions",
  tags: ["versions"],
  summary: "Add a draft version (numbered 1, 2, 3… per prompt)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write"), promptReference] as const,
  request: { params: promptIdParam, body: jsonBody(body) },
  responses: { 201: jsonResponse("The new draft", versionSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const createVersionRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const fields = c.req.valid("json");
  const version = await createVersion({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      promptId: c.req.valid("param").promptId,
      actorUserId: c.get("user")!.id,
      body: fields.messages === undefined ? { content: fields.content ?? "" } : { messages: fields.messages },
      variables: fields.variables,
      modelConfig: fields.model_config,
      changelog: fields.changelog,
    },
  });
  return c.json(version, 201);
});
