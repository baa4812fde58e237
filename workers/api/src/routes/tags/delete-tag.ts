import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { deleteTag } from "../../services/tags/delete-tag.ts";
import { tagIdParam } from "./schemas.ts";

const route = createRoute({
  method: "delete",
  path: "/api/tags/{tagId}",
  tags: ["tags"],
  summary: "Delete a tag; it is removed from every prompt carrying it",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write")] as const,
  request: { params: tagIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const deleteTagRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  await deleteTag({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, tagId: c.req.valid("param").tagId } });
  return c.body(null, 204);
});
