/**
 * The workspace's pending invitations (not accepted, not withdrawn), newest first, expired ones
 * included so an Admin sees why a link stopped working. Tokens are never readable again.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import { users, workspaceInvitations } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";

export async function listInvitations({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const rows = await ctx
    .http()
    .select({
      id: workspaceInvitations.id,
      email: workspaceInvitations.email,
      role: workspaceInvitations.role,
      expiresAt: workspaceInvitations.expiresAt,
      createdAt: workspaceInvitations.createdAt,
      inviterId: users.id,
      inviterName: users.name,
      inviterEmail: users.email,
    })
    .from(workspaceInvitations)
    .leftJoin(users, eq(users.id, workspaceInvitations.invitedById))
    .where(and(eq(workspaceInvitations.workspaceId, input.workspaceId), isNull(workspaceInvitations.acceptedAt), isNull(workspaceInvitations.revokedAt)))
    .orderBy(desc(workspaceInvitations.createdAt))
    .limit(500);
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    role: row.role,
    invited_by: row.inviterId ? { id: row.inviterId, name: row.inviterName!, email: row.inviterEmail! } : null,
    expires_at: row.expiresAt.toISOString(),
    created_at: row.createdAt.toISOString(),
  }));
}
