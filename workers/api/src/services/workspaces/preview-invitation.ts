/**
 * What the invitation page shows before anyone signs in: the workspace, who invited, the
 * invited address and role, and whether the link can still be used. Found by the link's token
 * only (its SHA-256), so it reveals nothing to whoever does not hold the link. The inviter's
 * address is shown only when verified: an unverified one proves nobody's identity.
 */
import { and, eq, isNull } from "drizzle-orm";
import { users, workspaceInvitations, workspaces } from "@xr2/db/schema";
import { ApiError, sha256Hex } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export type InvitationStatus = "pending" | "accepted" | "expired" | "revoked";

export async function previewInvitation({ ctx, input }: { ctx: ServiceContext; input: { token: string } }) {
  const [row] = await ctx
    .http()
    .select({ invitation: workspaceInvitations, workspaceName: workspaces.name, inviterName: users.name, inviterEmail: users.email, inviterVerifiedAt: users.emailVerifiedAt })
    .from(workspaceInvitations)
    .innerJoin(workspaces, and(eq(workspaces.id, workspaceInvitations.workspaceId), isNull(workspaces.deletedAt)))
    .leftJoin(users, eq(users.id, workspaceInvitations.invitedById))
    .where(eq(workspaceInvitations.tokenHash, sha256Hex(input.token)))
    .limit(1);
  if (!row) throw new ApiError("NOT_FOUND", "This invitation does not exist; ask for a new one");
  const { invitation } = row;
  const status: InvitationStatus =
    invitation.acceptedAt !== null ? "accepted" : invitation.revokedAt !== null ? "revoked" : invitation.expiresAt.getTime() <= Date.now() ? "expired" : "pending";
  return {
    workspace: { id: invitation.workspaceId, name: row.workspaceName },
    invited_by: row.inviterName !== null ? { name: row.inviterName, email: row.inviterVerifiedAt !== null ? row.inviterEmail : null } : null,
    email: invitation.email,
    role: invitation.role,
    expires_at: invitation.expiresAt.toISOString(),
    status,
  };
}
