import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { bulkUpdatePrompts, MAX_BULK_PROMPTS } from "../../services/prompts/bulk-update-prompts.ts";
import { movePrompts } from "../../services/prompts/move-prompts.ts";
import { tagSchema } from "../tags/schemas.ts";

const promptIds = z
  .array(z.string().min(1).max(64))
  .min(1)
  .max(MAX_BULK_PROMPTS)
  .refine((ids) => new Set(ids).size === ids.length, "prompt_ids must not repeat an id");
const tagReference = z.string().trim().min(1).max(64).openapi({ description: "Tag id or name; tagging with a new name creates the tag" });

const body = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("archive"), prompt_ids: promptIds }),
  z.strictObject({ action: z.literal("unarchive"), prompt_ids: promptIds }),
  z.strictObject({ action: z.literal("tag"), prompt_ids: promptIds, tag: tagReference }),
  z.strictObject({ action: z.literal("untag"), prompt_ids: promptIds, tag: tagReference }),
  z.strictObject({
    action: z.literal("move"),
    prompt_ids: promptIds,
    // Not `workspace_id`: that names the workspace the call acts in (the source), like X-Workspace-Id.
    target_workspace_id: z.string().min(1).max(64).openapi({ description: "Another workspace where the caller may write prompts" }),
  }),
]);

const resultSchema = z
  .object({
    action: z.enum(["archive", "unarchive", "tag", "untag", "move"]),
    tag: tagSchema.optional(),
    target_workspace_id: z.string().optional(),
    updated: z.number().int(),
    results: z.array(
      z.object({
        prompt_id: z.string(),
        outcome: z.enum(["updated", "unchanged", "not_found", "moved", "conflict"]),
        target_prompt_id: z.string().optional().openapi({ description: "move: the prompt's id in the target workspace" }),
        message: z.string().optional().openapi({ description: "Why, for a conflict" }),
      }),
    ),
  })
  .openapi("BulkPromptResult");

const route = createRoute({
  method: "post",
  path: "/api/prompts/bulk",
  tags: ["prompts"],
  summary: "Archive, unarchive, tag, untag or move up to 100 prompts, with a result per id",
  description:
    "archive, unarchive, tag and untag change all the prompts in one transaction. move copies each prompt into target_workspace_id (where the caller needs prompts.write) with its tags and versions, as drafts, and archives the original, which stops serving it; each prompt moves in its own transaction, and a slug the target already has is a conflict for that prompt alone.",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write")] as const,
  request: { body: jsonBody(body) },
  responses: { 200: jsonResponse("A result per prompt id, in request order", resultSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const bulkUpdatePromptsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const request = c.req.valid("json");
  const scope = { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, promptIds: request.prompt_ids };
  if (request.action === "move") return c.json(await movePrompts({ ctx: c.get("ctx"), input: { ...scope, targetWorkspaceId: request.target_workspace_id, accessToken: c.get("accessToken") } }), 200);
  const result = await bulkUpdatePrompts({ ctx: c.get("ctx"), input: { ...scope, action: request.action, tag: "tag" in request ? request.tag : undefined } });
  return c.json(result, 200);
});
