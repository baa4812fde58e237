import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { getWorkspace } from "../../services/workspaces/get-workspace.ts";
import { workspaceIdParam, workspaceSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/workspaces/{workspaceId}",
  tags: ["workspaces"],
  summary: "A workspace and its settings",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("workspace.read")] as const,
  request: { params: workspaceIdParam },
  responses: { 200: jsonResponse("The workspace", workspaceSchema), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const getWorkspaceRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await getWorkspace({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id } }), 200),
);
