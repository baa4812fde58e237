import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, explainedErrorResponse, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { resendInvitation } from "../../services/workspaces/resend-invitation.ts";
import { issuedInvitationSchema, workspaceIdParam } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/workspaces/{workspaceId}/invitations/{invitationId}/resend",
  tags: ["workspaces"],
  summary: "Send a pending invitation's e-mail again with a new link (Admin); the earlier links stop working",
  description: "The token is rotated and the expiry starts again. Limited per invitation (policy resendInvitationPerInvitation: 3 an hour by default) and as every invitation e-mail (see inviting); past a limit, 429 with Retry-After and the link is not rotated.",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("members.manage")] as const,
  request: { params: workspaceIdParam.extend({ invitationId: z.string().max(64).openapi({ param: { name: "invitationId", in: "path" } }) }) },
  responses: {
    200: jsonResponse("The invitation with its new link", issuedInvitationSchema),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT"),
    ...explainedErrorResponse("RATE_LIMITED", "this invitation was resent too often (policy resendInvitationPerInvitation, 3 an hour), or too many invitation e-mails from this user, workspace, or to this address"),
  },
});

export const resendInvitationRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const input = { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, invitationId: c.req.valid("param").invitationId };
  return c.json(await resendInvitation({ ctx: c.get("ctx"), input }), 200);
});
