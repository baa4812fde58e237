/** /api/workspaces: workspaces, members, roles, invitations, ownership (P1, S2). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { acceptInvitationRoute } from "./accept-invitation.ts";
import { createWorkspaceRoute } from "./create-workspace.ts";
import { deleteWorkspaceRoute } from "./delete-workspace.ts";
import { getWorkspaceRoute } from "./get-workspace.ts";
import { invitationRoutes } from "./invitations.ts";
import { inviteMemberRoute } from "./invite-member.ts";
import { listLimitsRoute } from "./list-limits.ts";
import { listMembersRoute } from "./list-members.ts";
import { listWorkspacesRoute } from "./list-workspaces.ts";
import { manageMemberRoutes } from "./manage-member.ts";
import { previewInvitationRoute } from "./preview-invitation.ts";
import { resendInvitationRoute } from "./resend-invitation.ts";
import { updateWorkspaceRoute } from "./update-workspace.ts";

export const workspaceRoutes = new OpenAPIHono<ApiHono>()
  .route("/", acceptInvitationRoute)
  .route("/", createWorkspaceRoute)
  .route("/", listWorkspacesRoute)
  .route("/", getWorkspaceRoute)
  .route("/", updateWorkspaceRoute)
  .route("/", deleteWorkspaceRoute)
  .route("/", listMembersRoute)
  .route("/", listLimitsRoute)
  .route("/", inviteMemberRoute)
  .route("/", invitationRoutes)
  .route("/", resendInvitationRoute)
  .route("/", previewInvitationRoute)
  .route("/", manageMemberRoutes);
