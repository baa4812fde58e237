/** What a token's holder (the CLI's `whoami`, an MCP client) may learn about the token it sends. */
import { and, eq, isNull } from "drizzle-orm";
import { accessTokens, users, workspaces } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { storedScopes } from "./access-token-view.ts";

export async function getCurrentAccessToken({ ctx, input }: { ctx: ServiceContext; input: { tokenId: string } }) {
  const [row] = await ctx
    .http()
    .select({ token: accessTokens, workspaceName: workspaces.name, creator: { id: users.id, name: users.name, email: users.email } })
    .from(accessTokens)
    .innerJoin(workspaces, and(eq(workspaces.id, accessTokens.workspaceId), isNull(workspaces.deletedAt)))
    .innerJoin(users, eq(users.id, accessTokens.createdById))
    .where(eq(accessTokens.id, input.tokenId))
    .limit(1);
  if (!row) throw new ApiError("UNAUTHENTICATED", "This access token's workspace no longer exists");
  return {
    id: row.token.id,
    name: row.token.name,
    workspace_id: row.token.workspaceId,
    workspace_name: row.workspaceName,
    scopes: storedScopes(row.token.scopes),
    token_prefix: row.token.tokenPrefix,
    expires_at: row.token.expiresAt?.toISOString() ?? null,
    last_used_at: row.token.lastUsedAt?.toISOString() ?? null,
    created_at: row.token.createdAt.toISOString(),
    created_by: row.creator,
  };
}
