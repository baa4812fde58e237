import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { createPrompt } from "../../services/prompts/create-prompt.ts";
import { promptDescriptionSchema, promptNameSchema, promptSchema, slugSchema, tagReferencesSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/prompts",
  tags: ["prompts"],
  summary: "Create a prompt (the caller becomes its owner); add versions with POST /api/prompts/{promptId}/versions",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write")] as const,
  request: {
    body: jsonBody(z.strictObject({ slug: slugSchema, name: promptNameSchema, description: promptDescriptionSchema.nullable().optional(), tags: tagReferencesSchema.optional() })),
  },
  responses: { 201: jsonResponse("The new prompt", promptSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const createPromptRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const prompt = await createPrompt({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, slug: body.slug, name: body.name, description: body.description, tags: body.tags },
  });
  return c.json(prompt, 201);
});
