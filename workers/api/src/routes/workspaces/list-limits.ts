import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listWorkspaceLimits } from "../../services/workspaces/list-limits.ts";
import { workspaceLimitSchema } from "./limit-schemas.ts";
import { workspaceIdParam } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/workspaces/{workspaceId}/limits",
  tags: ["workspaces"],
  summary: "The limits and quotas in force for the workspace, where each comes from, and this period's usage (read-only; a platform admin sets them)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("workspace.read")] as const,
  request: { params: workspaceIdParam },
  responses: { 200: jsonResponse("Limits", z.object({ limits: z.array(workspaceLimitSchema) })), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const listLimitsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json({ limits: await listWorkspaceLimits({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id } }) }, 200),
);
