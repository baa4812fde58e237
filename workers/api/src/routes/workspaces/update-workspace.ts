import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { updateWorkspace } from "../../services/workspaces/update-workspace.ts";
import { workspaceIdParam, workspaceNameSchema, workspaceSchema } from "./schemas.ts";

const route = createRoute({
  method: "patch",
  path: "/api/workspaces/{workspaceId}",
  tags: ["workspaces"],
  summary: "Rename a workspace or change its settings (Admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("workspace.update")] as const,
  request: {
    params: workspaceIdParam,
    body: jsonBody(
      z
        .strictObject({ name: workspaceNameSchema.optional(), require_production_approval: z.boolean().optional() })
        .refine((body) => Object.keys(body).length > 0, "send at least one field to change"),
    ),
  },
  responses: { 200: jsonResponse("The updated workspace", workspaceSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const updateWorkspaceRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const workspace = await updateWorkspace({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, name: body.name, requireProductionApproval: body.require_production_approval },
  });
  return c.json(workspace, 200);
});
