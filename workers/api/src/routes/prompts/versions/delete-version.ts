import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { deleteVersion } from "../../../services/versions/delete-version.ts";
import { versionParams } from "./schemas.ts";

const route = createRoute({
  method: "delete",
  path: "/api/prompts/{promptId}/versions/{versionId}",
  tags: ["versions"],
  summary: "Delete a draft that was never deployed (other versions are history: 409)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write"), promptReference] as const,
  request: { params: versionParams },
  responses: { 204: { description: "Deleted" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const deleteVersionRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  await deleteVersion({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, ...c.req.valid("param"), actorUserId: c.get("user")!.id } });
  return c.body(null, 204);
});
