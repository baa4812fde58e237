import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { promptReference } from "../../middleware/prompt-reference.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { getPrompt } from "../../services/prompts/get-prompt.ts";
import { promptIdParam, promptSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/prompts/{promptId}",
  tags: ["prompts"],
  summary: "A prompt with its tags and the version each environment serves",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read"), promptReference] as const,
  request: { params: promptIdParam },
  responses: { 200: jsonResponse("The prompt", promptSchema), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const getPromptRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await getPrompt({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, promptId: c.req.valid("param").promptId } }), 200),
);
