/** The public shape of an access token: metadata and prefix, never the token or its hash. */
import type { AccessToken } from "@xr2/db/schema";
import type { AccessTokenScope } from "../../permissions.ts";

/** Stored as text[] (the list lives in permissions.ts, not the schema); only ACCESS_TOKEN_SCOPES are ever written. */
export function storedScopes(scopes: string[]): AccessTokenScope[] {
  return scopes as AccessTokenScope[];
}

export function accessTokenView(token: AccessToken, creator: { id: string; name: string; email: string }) {
  return {
    id: token.id,
    name: token.name,
    scopes: storedScopes(token.scopes),
    token_prefix: token.tokenPrefix,
    expires_at: token.expiresAt?.toISOString() ?? null,
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
    revoked_at: token.revokedAt?.toISOString() ?? null,
    created_at: token.createdAt.toISOString(),
    created_by: { id: creator.id, name: creator.name, email: creator.email },
  };
}
