/**
 * The access tokens page: a member sees their own tokens in the workspace, an Admin every
 * member's (to revoke what a departed or careless member left behind). Live tokens first.
 */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { accessTokens, users } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { can, type Role } from "../../permissions.ts";
import { accessTokenView } from "./access-token-view.ts";
import { MAX_LIVE_ACCESS_TOKENS } from "./create-access-token.ts";

/** Every live token of one member fits, with room for revoked and expired ones; an Admin's list of a large team is cut here. */
export const MAX_LISTED_ACCESS_TOKENS = MAX_LIVE_ACCESS_TOKENS * 4;

/** Whether `role` manages every member's tokens (lists and revokes them), not only its own. */
export function managesAllAccessTokens(role: Role): boolean {
  return can(role, "access_tokens.manage");
}

export async function listAccessTokens({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; userId: string; role: Role } }) {
  const inWorkspace = eq(accessTokens.workspaceId, input.workspaceId);
  const rows = await ctx
    .http()
    .select({ token: accessTokens, creator: { id: users.id, name: users.name, email: users.email } })
    .from(accessTokens)
    .innerJoin(users, eq(users.id, accessTokens.createdById))
    .where(managesAllAccessTokens(input.role) ? inWorkspace : and(inWorkspace, eq(accessTokens.createdById, input.userId)))
    // Live first (newest first), then revoked ones by when they were revoked.
    .orderBy(sql`${accessTokens.revokedAt} is not null`, desc(accessTokens.revokedAt), desc(accessTokens.createdAt), asc(accessTokens.id))
    .limit(MAX_LISTED_ACCESS_TOKENS);
  return rows.map(({ token, creator }) => accessTokenView(token, creator));
}
