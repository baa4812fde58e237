/**
 * The caller behind `Authorization: Bearer xr2_at_…`: the token and its creator, read by hash in
 * one query on every request, so a revocation, an expiry or a disabled account takes effect at
 * once. The token's last use is written at most once a minute, without holding up the answer.
 */
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { accessTokens, users } from "@xr2/db/schema";
import { ApiError, sha256Hex } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { storedScopes } from "./access-token-view.ts";
import { ACCESS_TOKEN_PREFIX } from "./create-access-token.ts";

/** How stale `last_used_at` may get: one write a minute per token, not one per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export function isAccessToken(bearer: string): boolean {
  return bearer.startsWith(ACCESS_TOKEN_PREFIX);
}

export async function authenticateAccessToken({ ctx, input }: { ctx: ServiceContext; input: { token: string; now?: Date } }) {
  const now = input.now ?? new Date();
  const [found] = await ctx
    .http()
    .select({
      token: { id: accessTokens.id, workspaceId: accessTokens.workspaceId, scopes: accessTokens.scopes, expiresAt: accessTokens.expiresAt, revokedAt: accessTokens.revokedAt, lastUsedAt: accessTokens.lastUsedAt },
      user: { id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt, isPlatformAdmin: users.isPlatformAdmin, emailVerifiedAt: users.emailVerifiedAt },
    })
    .from(accessTokens)
    .innerJoin(users, eq(users.id, accessTokens.createdById))
    .where(eq(accessTokens.tokenHash, sha256Hex(input.token)))
    .limit(1);
  if (!found) throw new ApiError("UNAUTHENTICATED", "This access token is not valid; create a new one on the Access tokens page");
  const { token, user } = found;
  if (token.revokedAt !== null) throw new ApiError("UNAUTHENTICATED", "This access token has been revoked; create a new one");
  if (token.expiresAt !== null && token.expiresAt <= now) throw new ApiError("UNAUTHENTICATED", "This access token has expired; create a new one");
  if (user.disabledAt !== null) throw new ApiError("UNAUTHENTICATED", "The account this access token belongs to is disabled");
  const due = token.lastUsedAt === null || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
  return {
    user: { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin, emailVerified: user.emailVerifiedAt !== null },
    accessToken: { id: token.id, workspaceId: token.workspaceId, scopes: storedScopes(token.scopes) },
    /** Records this use when the last recorded one is a minute old; the condition in SQL keeps concurrent requests to one write. */
    recordUse: due ? () => recordUse(ctx, token.id, now) : undefined,
  };
}

async function recordUse(ctx: ServiceContext, tokenId: string, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  await ctx
    .http()
    .update(accessTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(accessTokens.id, tokenId), or(isNull(accessTokens.lastUsedAt), lt(accessTokens.lastUsedAt, staleBefore))));
}
