/**
 * DELETE is a soft delete: it archives the prompt (the same as PATCH {status: "archived"}).
 * Versions, deployments and analytics stay; the slug stays reserved; the edge stops serving it.
 * Idempotent: deleting an archived prompt answers 204 again.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { updatePrompt } from "../../services/prompts/update-prompt.ts";
import { promptIdParam } from "./schemas.ts";

const route = createRoute({
  method: "delete",
  path: "/api/prompts/{promptId}",
  tags: ["prompts"],
  summary: "Archive a prompt (soft delete; restore with PATCH {status: \"active\"})",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write")] as const,
  request: { params: promptIdParam },
  responses: { 204: { description: "Archived" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const archivePromptRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  await updatePrompt({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, promptId: c.req.valid("param").promptId, actorUserId: c.get("user")!.id, status: "archived" } });
  return c.body(null, 204);
});
