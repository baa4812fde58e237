/**
 * Sessions: short-lived access JWTs (HS256, algorithm, issuer and audience pinned on verify) and
 * opaque refresh tokens stored only as SHA-256. Refresh tokens rotate on every use; presenting
 * one that was already rotated means it leaked, so its whole family is revoked (unless it was
 * rotated moments ago: see REFRESH_REUSE_GRACE_SECONDS and rotateRefreshToken).
 *
 * A session is a refresh-token family. Its access tokens carry the family id as `sid`, and
 * `authenticate` refuses them once no token of the family is left unrevoked (logout, reuse
 * detection), so they stop at once instead of living out their 15 minutes. Rotation therefore
 * inserts the new token before it revokes the old one: a live family never has a moment with
 * no live token. Ending every session of a user (password reset, an account taken back by its
 * address's owner) is the same step for all the user's families: revokeAllSessions. It locks the
 * user's row (FOR UPDATE) and rotation holds it shared (FOR SHARE) while it writes a successor,
 * so a rotation either commits before the revocation (which then revokes its successor too) or
 * runs after it and sees the family ended.
 */
import { and, eq, isNull, ne } from "drizzle-orm";
import { jwtVerify, SignJWT, errors as joseErrors } from "jose";
import { refreshTokens, users } from "@xr2/db/schema";
import { ApiError, newId, randomToken, sha256Hex } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
/**
 * Reuse grace window: a refresh token rotated at most this long ago may be presented again and
 * gets another successor in the same session, instead of ending it (see rotateRefreshToken).
 */
export const REFRESH_REUSE_GRACE_SECONDS = 30;
const ISSUER = "xr2";
const AUDIENCE = "xr2-api";

export interface Session {
  access_token: string;
  refresh_token: string;
  token_type: "Bearer";
  expires_in: number;
  user: { id: string; email: string; name: string };
}

function secretKey(ctx: ServiceContext): Uint8Array {
  return new TextEncoder().encode(ctx.env.JWT_SECRET);
}

export async function signAccessToken(ctx: ServiceContext, userId: string, sessionId: string): Promise<string> {
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(secretKey(ctx));
}

export interface AccessTokenClaims {
  userId: string;
  /** The refresh-token family (session) the token was issued for. */
  sessionId: string;
}

/** The user and session of a valid access token; ApiError UNAUTHENTICATED otherwise, saying why. */
export async function verifyAccessToken(ctx: ServiceContext, token: string): Promise<AccessTokenClaims> {
  try {
    const { payload } = await jwtVerify(token, secretKey(ctx), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      // Without exp a token would never expire, and without sid it could not be revoked.
      requiredClaims: ["exp", "iat", "sub", "sid"],
    });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string") throw new ApiError("UNAUTHENTICATED", "The access token names no user or session");
    return { userId: payload.sub, sessionId: payload.sid };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const expired = error instanceof joseErrors.JWTExpired;
    throw new ApiError("UNAUTHENTICATED", expired ? "The access token has expired; refresh it" : "The access token is invalid");
  }
}

/** A new session for a user: an access token and a refresh token in `familyId` (a new family by default). */
export async function issueSession(
  ctx: ServiceContext,
  user: { id: string; email: string; name: string },
  opts: { familyId?: string; userAgent?: string | undefined; tx?: Transaction } = {},
): Promise<Session & { refreshTokenId: string }> {
  const refreshToken = `rt_${randomToken()}`;
  const refreshTokenId = newId("refreshToken");
  const familyId = opts.familyId ?? newId("refreshToken");
  await (opts.tx ?? ctx.db())
    .insert(refreshTokens)
    .values({
      id: refreshTokenId,
      userId: user.id,
      familyId,
      tokenHash: sha256Hex(refreshToken),
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000),
      userAgent: opts.userAgent?.slice(0, 300) ?? null,
    });
  return {
    access_token: await signAccessToken(ctx, user.id, familyId),
    refresh_token: refreshToken,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    user: { id: user.id, email: user.email, name: user.name },
    refreshTokenId,
  };
}

/**
 * Rotates a refresh token: the presented one stops working and a new one of the same family is issued.
 *
 * Reuse of a rotated token means it leaked, and ends the family, with one exception: a token
 * rotated (not revoked by logout or reuse detection) less than REFRESH_REUSE_GRACE_SECONDS ago,
 * in a family that still has a live token, gets another successor of the same family. Two
 * refreshes racing with the same token (tabs restoring together, a retried request whose answer
 * was lost) then both succeed instead of the loser signing the user out. After logout the family
 * has no live token, so the grace never revives an ended session.
 */
export async function rotateRefreshToken(ctx: ServiceContext, refreshToken: string, userAgent?: string): Promise<Session> {
  const tokenHash = sha256Hex(refreshToken);
  // Refusals that end the family are decided inside and carried out after the transaction, which
  // would otherwise roll the revocation back with it.
  const outcome = await ctx.db().transaction(async (tx): Promise<{ session: Session } | { reuseOf: string }> => {
    const [found] = await tx.select({ userId: refreshTokens.userId }).from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
    if (!found) throw new ApiError("UNAUTHENTICATED", "Unknown refresh token");
    // Waits for a revokeAllSessions in progress (see the top); what follows reads after it.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, found.userId)).for("share");
    const [row] = await tx.select({ token: refreshTokens, user: users }).from(refreshTokens).innerJoin(users, eq(users.id, refreshTokens.userId)).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
    if (!row) throw new ApiError("UNAUTHENTICATED", "Unknown refresh token");
    if (row.token.revokedAt !== null && !withinReuseGrace(row.token)) return { reuseOf: row.token.familyId };
    if (row.token.expiresAt.getTime() <= Date.now()) throw new ApiError("UNAUTHENTICATED", "The refresh token has expired; sign in again");
    if (row.user.disabledAt !== null) throw new ApiError("UNAUTHENTICATED", "This account is disabled");

    // The successor first, so that the family's access tokens keep working throughout (see the top).
    const { refreshTokenId, ...session } = await issueSession(ctx, row.user, { familyId: row.token.familyId, userAgent, tx });
    if (row.token.revokedAt === null) {
      // Then revoke, conditionally: of two concurrent refreshes with the same token, one wins.
      const revoked = await tx
        .update(refreshTokens)
        .set({ revokedAt: new Date(), replacedById: refreshTokenId })
        .where(and(eq(refreshTokens.id, row.token.id), isNull(refreshTokens.revokedAt)))
        .returning({ id: refreshTokens.id });
      if (revoked.length === 1) return { session };
      // The other one rotated it a moment ago (the grace applies), or a logout revoked it (it does not).
      const [now] = await tx.select().from(refreshTokens).where(eq(refreshTokens.id, row.token.id)).limit(1);
      if (!now || !withinReuseGrace(now)) return { reuseOf: row.token.familyId };
    }
    // A grace successor: it stands only while another token of the family is live. Checked after the
    // insert, so a logout that ran meanwhile is seen (and one that runs later revokes this one too).
    if (!(await familyLiveBesides(tx, row.token.familyId, refreshTokenId))) return { reuseOf: row.token.familyId };
    return { session };
  });
  if ("reuseOf" in outcome) return refuseReuse(ctx, outcome.reuseOf);
  return outcome.session;
}

/** Revoked by rotation (a successor named), not by logout or reuse detection, and less than the grace window ago. */
function withinReuseGrace(token: { revokedAt: Date | null; replacedById: string | null }): boolean {
  return token.revokedAt !== null && token.replacedById !== null && Date.now() - token.revokedAt.getTime() < REFRESH_REUSE_GRACE_SECONDS * 1000;
}

async function familyLiveBesides(tx: Transaction, familyId: string, exceptId: string): Promise<boolean> {
  const live = await tx
    .select({ id: refreshTokens.id })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt), ne(refreshTokens.id, exceptId)))
    .limit(1);
  return live.length > 0;
}

/** Reuse of a rotated token: someone else may hold the family; end all of it. */
async function refuseReuse(ctx: ServiceContext, familyId: string): Promise<never> {
  await revokeFamily(ctx, familyId);
  throw new ApiError("UNAUTHENTICATED", "This refresh token was already used; sign in again");
}

/** Ends a session: every refresh token of the family, and with them its access tokens (see authenticate). */
export async function revokeFamily(ctx: ServiceContext, familyId: string): Promise<void> {
  await ctx.db().update(refreshTokens).set({ revokedAt: new Date() }).where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/**
 * Ends every session of the user: all refresh tokens are revoked, so every access token issued
 * with them is refused by `authenticate` on its next call. A refresh racing with this cannot
 * keep a session alive: the user's row is locked first, so a rotation holding it (FOR SHARE)
 * has committed its successor, which is revoked here, and a later one waits for this
 * transaction and then finds its token revoked without a successor (outside the reuse grace)
 * or its family without a live token, and ends the family.
 */
export async function revokeAllSessions(tx: Transaction, userId: string): Promise<number> {
  await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
  const revoked = await tx
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  return revoked.length;
}

/** Logout by refresh token: its family ends; unknown tokens are ignored (logout is idempotent). */
export async function revokeRefreshToken(ctx: ServiceContext, refreshToken: string): Promise<void> {
  const [row] = await ctx.db().select({ familyId: refreshTokens.familyId }).from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256Hex(refreshToken))).limit(1);
  if (row) await revokeFamily(ctx, row.familyId);
}
