/** GET /api/workspaces/{workspaceId}/invitations and DELETE …/invitations/{invitationId} (Admin). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listInvitations } from "../../services/workspaces/list-invitations.ts";
import { revokeInvitation } from "../../services/workspaces/revoke-invitation.ts";
import { roleSchema, workspaceIdParam } from "./schemas.ts";

const invitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: roleSchema,
    invited_by: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
    expires_at: z.string(),
    created_at: z.string(),
  })
  .openapi("Invitation");

const list = createRoute({
  method: "get",
  path: "/api/workspaces/{workspaceId}/invitations",
  tags: ["workspaces"],
  summary: "Pending invitations, newest first, expired ones included (Admin); never their tokens",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("members.manage")] as const,
  request: { params: workspaceIdParam },
  responses: { 200: jsonResponse("Pending invitations", z.object({ invitations: z.array(invitationSchema) })), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

const revoke = createRoute({
  method: "delete",
  path: "/api/workspaces/{workspaceId}/invitations/{invitationId}",
  tags: ["workspaces"],
  summary: "Withdraw a pending invitation (Admin); its link stops working. Withdrawing twice is a no-op",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("members.manage")] as const,
  request: { params: workspaceIdParam.extend({ invitationId: z.string().max(64).openapi({ param: { name: "invitationId", in: "path" } }) }) },
  responses: { 204: { description: "Withdrawn" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const invitationRoutes = new OpenAPIHono<ApiHono>()
  .openapi(list, async (c) => c.json({ invitations: await listInvitations({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id } }) }, 200))
  .openapi(revoke, async (c) => {
    await revokeInvitation({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, invitationId: c.req.valid("param").invitationId } });
    return c.body(null, 204);
  });
