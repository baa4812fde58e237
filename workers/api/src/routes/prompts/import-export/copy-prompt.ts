import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { copyPrompt } from "../../../services/prompts/copy-prompt.ts";
import { promptIdParam, promptNameSchema, promptSchema, slugSchema } from "../schemas.ts";

const body = z.strictObject({
  // Not `workspace_id`: that names the workspace the call acts in (the source), like X-Workspace-Id.
  target_workspace_id: z.string().min(1).max(64).openapi({ description: "The target workspace; the caller needs prompts.write there. This workspace's own id duplicates the prompt here (under a new slug)" }),
  slug: slugSchema.optional().openapi({ description: "The copy's slug; default: the source's" }),
  name: promptNameSchema.optional().openapi({ description: "The copy's name; default: the source's" }),
});

const route = createRoute({
  method: "post",
  path: "/api/prompts/{promptId}/copy",
  tags: ["prompts"],
  summary: "Copy a prompt with all its versions (as drafts) and tags into another workspace of the caller, or duplicate it in this one",
  security: [{ bearer: [] }],
  // Reading is enough in the source workspace (export allows as much); the target's prompts.write
  // is checked by the service, which is the only place that knows the target.
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read"), promptReference] as const,
  request: { params: promptIdParam, body: jsonBody(body) },
  responses: {
    201: jsonResponse(
      "The copy in the target workspace",
      z.object({ workspace_id: z.string(), prompt: promptSchema, versions: z.array(z.object({ id: z.string(), version_number: z.number().int() })) }),
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT"),
  },
});

export const copyPromptRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const request = c.req.valid("json");
  const copy = await copyPrompt({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, promptId: c.req.valid("param").promptId, targetWorkspaceId: request.target_workspace_id, slug: request.slug, name: request.name, accessToken: c.get("accessToken") },
  });
  return c.json(copy, 201);
});
