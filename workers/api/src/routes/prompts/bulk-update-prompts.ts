import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { bulkUpdatePrompts, MAX_BULK_PROMPTS } from "../../services/prompts/bulk-update-prompts.ts";
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
]);

const resultSchema = z
  .object({
    action: z.enum(["archive", "unarchive", "tag", "untag"]),
    tag: tagSchema.optional(),
    updated: z.number().int(),
    results: z.array(z.object({ prompt_id: z.string(), outcome: z.enum(["updated", "unchanged", "not_found"]) })),
  })
  .openapi("BulkPromptResult");

const route = createRoute({
  method: "post",
  path: "/api/prompts/bulk",
  tags: ["prompts"],
  summary: "Archive, unarchive, tag or untag up to 100 prompts in one transaction, with a result per id",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write")] as const,
  request: { body: jsonBody(body) },
  responses: { 200: jsonResponse("A result per prompt id, in request order", resultSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const bulkUpdatePromptsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const request = c.req.valid("json");
  const result = await bulkUpdatePrompts({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, action: request.action, promptIds: request.prompt_ids, tag: "tag" in request ? request.tag : undefined },
  });
  return c.json(result, 200);
});
