import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { promptReference } from "../../middleware/prompt-reference.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { updatePrompt } from "../../services/prompts/update-prompt.ts";
import { promptDescriptionSchema, promptIdParam, promptNameSchema, promptSchema, promptStatusSchema, tagReferencesSchema } from "./schemas.ts";

const body = z
  .strictObject({
    name: promptNameSchema.optional(),
    description: promptDescriptionSchema.nullable().optional(),
    tags: tagReferencesSchema.optional().openapi({ description: "The complete new set of tags (ids or names)" }),
    status: promptStatusSchema.optional().openapi({ description: "archived: the edge stops serving the prompt; active: it serves it again" }),
    owner_id: z.string().max(64).nullable().optional().openapi({ description: "A member of the workspace, or null" }),
  })
  .refine((fields) => Object.values(fields).some((value) => value !== undefined), "send at least one field to change");

const route = createRoute({
  method: "patch",
  path: "/api/prompts/{promptId}",
  tags: ["prompts"],
  summary: "Change a prompt's name, description, tags, status or owner (the slug is permanent)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write"), promptReference] as const,
  request: { params: promptIdParam, body: jsonBody(body) },
  responses: { 200: jsonResponse("The updated prompt", promptSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const updatePromptRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const fields = c.req.valid("json");
  const prompt = await updatePrompt({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      promptId: c.req.valid("param").promptId,
      actorUserId: c.get("user")!.id,
      name: fields.name,
      description: fields.description,
      tags: fields.tags,
      status: fields.status,
      ownerId: fields.owner_id,
    },
  });
  return c.json(prompt, 200);
});
