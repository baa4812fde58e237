import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listMembers } from "../../services/workspaces/list-members.ts";
import { memberSchema, workspaceIdParam } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/workspaces/{workspaceId}/members",
  tags: ["workspaces"],
  summary: "Members of a workspace and their roles",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("members.read")] as const,
  request: { params: workspaceIdParam },
  responses: { 200: jsonResponse("Members", z.object({ members: z.array(memberSchema) })), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const listMembersRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json({ members: await listMembers({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id } }) }, 200),
);
