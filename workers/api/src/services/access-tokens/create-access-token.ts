/**
 * A new access token for the management API (issue #16). The token exists only in the answer to
 * this call: Postgres keeps its SHA-256 and a short prefix. Its scopes are capped by the creator's
 * role at creation (and again on every request, by `allows`, with the role the creator has then).
 * The audit row names the token by id and prefix, never by token or hash.
 */
import { and, count, eq, gt, isNull, or } from "drizzle-orm";
import { accessTokens } from "@xr2/db/schema";
import { ApiError, newId, randomToken, sha256Hex } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { can, SCOPE_PERMISSIONS, type AccessTokenScope, type Role } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { accessTokenView } from "./access-token-view.ts";
import { lockLiveWorkspace } from "../workspaces/lock-workspace.ts";

export const ACCESS_TOKEN_PREFIX = "xr2_at_";
/** As many characters as lists show: the prefix and five of the 43 random ones. */
export const ACCESS_TOKEN_VISIBLE_CHARS = 12;
/** Per member and workspace; revoked and expired tokens do not count. */
export const MAX_LIVE_ACCESS_TOKENS = 50;

export interface CreateAccessTokenInput {
  workspaceId: string;
  actor: { id: string; name: string; email: string; role: Role };
  name: string;
  scopes: AccessTokenScope[];
  expiresAt: Date | null;
}

/** The scopes among `scopes` that `role` could not use: a token never grants more than its creator has. */
export function scopesBeyondRole(role: Role, scopes: readonly AccessTokenScope[]): AccessTokenScope[] {
  return scopes.filter((scope) => !SCOPE_PERMISSIONS[scope].every((permission) => can(role, permission)));
}

export async function createAccessToken({ ctx, input }: { ctx: ServiceContext; input: CreateAccessTokenInput }) {
  const beyond = scopesBeyondRole(input.actor.role, input.scopes);
  if (beyond.length > 0) throw new ApiError("FORBIDDEN", `Your role (${input.actor.role}) cannot grant ${beyond.join(", ")}`);
  const token = `${ACCESS_TOKEN_PREFIX}${randomToken()}`;
  const row = await ctx.db().transaction(async (tx) => {
    // Serialises creation per workspace so the live-token limit holds under concurrent calls.
    await lockLiveWorkspace(tx, input.workspaceId);
    const now = new Date();
    const [live] = await tx
      .select({ n: count() })
      .from(accessTokens)
      .where(
        and(
          eq(accessTokens.workspaceId, input.workspaceId),
          eq(accessTokens.createdById, input.actor.id),
          isNull(accessTokens.revokedAt),
          or(isNull(accessTokens.expiresAt), gt(accessTokens.expiresAt, now)),
        ),
      );
    if ((live?.n ?? 0) >= MAX_LIVE_ACCESS_TOKENS) {
      throw new ApiError("CONFLICT", `You can have at most ${MAX_LIVE_ACCESS_TOKENS} live access tokens in a workspace; revoke unused ones first`);
    }
    const [inserted] = await tx
      .insert(accessTokens)
      .values({
        id: newId("accessToken"),
        workspaceId: input.workspaceId,
        createdById: input.actor.id,
        name: input.name,
        scopes: input.scopes,
        tokenHash: sha256Hex(token),
        tokenPrefix: token.slice(0, ACCESS_TOKEN_VISIBLE_CHARS),
        expiresAt: input.expiresAt,
      })
      .returning();
    const created = inserted!;
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.id,
      action: "access_token.create",
      targetType: "access_token",
      targetId: created.id,
      after: { name: created.name, token_prefix: created.tokenPrefix, scopes: created.scopes, expires_at: created.expiresAt?.toISOString() ?? null },
    });
    return created;
  });
  return { ...accessTokenView(row, input.actor), token };
}
