/** PATCH/DELETE /api/workspaces/{workspaceId}/members/{userId} and POST …/transfer (Admin; transfer: owner). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { changeMemberRole, removeMember, transferOwnership } from "../../services/workspaces/manage-member.ts";
import { memberParams, roleSchema, workspaceIdParam } from "./schemas.ts";

const changeRole = createRoute({
  method: "patch",
  path: "/api/workspaces/{workspaceId}/members/{userId}",
  tags: ["workspaces"],
  summary: "Change a member's role (Admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("members.manage")] as const,
  request: { params: memberParams, body: jsonBody(z.strictObject({ role: roleSchema })) },
  responses: { 200: jsonResponse("The member's new role", z.object({ user_id: z.string(), role: roleSchema })), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

const remove = createRoute({
  method: "delete",
  path: "/api/workspaces/{workspaceId}/members/{userId}",
  tags: ["workspaces"],
  summary: "Remove a member (Admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("members.manage")] as const,
  request: { params: memberParams },
  responses: { 204: { description: "Removed" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

const transfer = createRoute({
  method: "post",
  path: "/api/workspaces/{workspaceId}/transfer",
  tags: ["workspaces"],
  summary: "Transfer ownership to another member (owner only); they become Admin",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("workspace.transfer")] as const,
  request: { params: workspaceIdParam, body: jsonBody(z.strictObject({ user_id: z.string().max(64) })) },
  responses: { 200: jsonResponse("The new owner", z.object({ id: z.string(), owner_id: z.string() })), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const manageMemberRoutes = new OpenAPIHono<ApiHono>()
  .openapi(changeRole, async (c) => {
    const input = { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, userId: c.req.valid("param").userId, role: c.req.valid("json").role };
    return c.json(await changeMemberRole({ ctx: c.get("ctx"), input }), 200);
  })
  .openapi(remove, async (c) => {
    await removeMember({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, userId: c.req.valid("param").userId } });
    return c.body(null, 204);
  })
  .openapi(transfer, async (c) => {
    const input = { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, userId: c.req.valid("json").user_id };
    return c.json(await transferOwnership({ ctx: c.get("ctx"), input }), 200);
  });
