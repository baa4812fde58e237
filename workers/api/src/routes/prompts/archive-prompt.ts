/**
 * DELETE is a soft delete by default: it archives the prompt (the same as PATCH {status: "archived"}).
 * Versions, deployments and analytics stay; the slug stays reserved; the edge stops serving it.
 * Idempotent: deleting an archived prompt answers 204 again.
 * With ?permanent=true it deletes a prompt that was never published for good (its slug is free
 * again); a prompt that was ever published answers 409 and stays as it was.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { promptReference } from "../../middleware/prompt-reference.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { deletePrompt } from "../../services/prompts/delete-prompt.ts";
import { updatePrompt } from "../../services/prompts/update-prompt.ts";
import { promptIdParam } from "./schemas.ts";

const query = z.object({
  permanent: z
    .enum(["true", "false"])
    .optional()
    .openapi({
      param: { name: "permanent", in: "query" },
      description: "true: delete for good, only if the prompt was never published (409 otherwise); default false: archive",
    }),
});

const route = createRoute({
  method: "delete",
  path: "/api/prompts/{promptId}",
  tags: ["prompts"],
  summary: "Archive a prompt (soft delete; restore with PATCH {status: \"active\"}), or delete a never-published one for good",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write"), promptReference] as const,
  request: { params: promptIdParam, query },
  responses: { 204: { description: "Archived, or deleted (permanent=true)" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const archivePromptRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const input = { ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, promptId: c.req.valid("param").promptId, actorUserId: c.get("user")!.id } };
  if (c.req.valid("query").permanent === "true") await deletePrompt(input);
  else await updatePrompt({ ctx: input.ctx, input: { ...input.input, status: "archived" } });
  return c.body(null, 204);
});
