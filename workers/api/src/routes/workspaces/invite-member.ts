import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, explainedErrorResponse, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { inviteMember } from "../../services/workspaces/invite-member.ts";
import { issuedInvitationSchema, roleSchema, workspaceIdParam } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/workspaces/{workspaceId}/invite",
  tags: ["workspaces"],
  summary: "Invite someone by e-mail (Admin): the invitation e-mail is sent, and the token for the link is shown once",
  description:
    "An Admin whose own address is not verified gets the invitation without an e-mail (`email_sent: false` and `email_not_sent_reason` say so). " +
    "Invitation e-mails are limited per inviting user and per workspace (policies invitationEmailsPerUser, invitationEmailsPerWorkspace: 30 an hour) and per invited address " +
    "in the workspace, re-invites and resends included (invitationEmailsPerWorkspaceAndEmail: 3 an hour); past a limit, 429 with Retry-After and no invitation is created.",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("members.manage")] as const,
  request: { params: workspaceIdParam, body: jsonBody(z.strictObject({ email: z.email().max(254), role: roleSchema.default("member") })) },
  responses: {
    201: jsonResponse("The invitation", issuedInvitationSchema),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT"),
    ...explainedErrorResponse("RATE_LIMITED", "too many invitation e-mails from this user, this workspace, or to this address from this workspace; no invitation was created"),
  },
});

export const inviteMemberRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const invitation = await inviteMember({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, email: body.email, role: body.role } });
  return c.json(invitation, 201);
});
