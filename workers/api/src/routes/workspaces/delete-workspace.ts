/**
 * DELETE /api/workspaces/{workspaceId} (Admin): deletes the workspace once the caller has typed
 * its name. 202: it is gone for everyone at once and its API keys stop working at the edge; its
 * rows are removed by a background job (services/workspaces/purge-workspace.ts).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, explainedErrorResponse, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { deleteWorkspace } from "../../services/workspaces/delete-workspace.ts";
import { workspaceIdParam } from "./schemas.ts";

const deletedWorkspaceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    deleted_at: z.string(),
    purge_queued: z.boolean().openapi({ description: "Whether the job removing the workspace's rows was queued (with QStash); the workspace is deleted either way" }),
  })
  .openapi("DeletedWorkspace");

const route = createRoute({
  method: "delete",
  path: "/api/workspaces/{workspaceId}",
  tags: ["workspaces"],
  summary: "Delete a workspace and everything in it (Admin); type its name to confirm",
  description:
    "The workspace answers 404 from then on and leaves its members' lists; its Product API keys stop working at the edge within a second. Its prompts, versions, analytics, keys, members and audit rows are removed by a background job; a platform-level audit entry records the deletion.",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("workspace.delete")] as const,
  request: {
    params: workspaceIdParam,
    body: jsonBody(z.strictObject({ confirm_name: z.string().min(1).max(200).openapi({ description: "The workspace's name, exactly as shown" }) })),
  },
  responses: {
    202: jsonResponse("Deleted; its rows are being removed", deletedWorkspaceSchema),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFIRMATION_MISMATCH"),
    ...explainedErrorResponse("CONFIRMATION_MISMATCH", "confirm_name is not the workspace's name"),
  },
});

export const deleteWorkspaceRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const input = { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, confirmName: c.req.valid("json").confirm_name };
  return c.json(await deleteWorkspace({ ctx: c.get("ctx"), input }), 202);
});
