/**
 * `Authorization: Bearer <access token>` → the signed-in user on the context, or 401. A user
 * disabled since the token was issued is refused too, and so is a token whose session (its
 * refresh-token family, the `sid` claim) has ended: logout and reuse detection take effect at
 * once. Both are read in the one query this middleware makes.
 */
import { createMiddleware } from "hono/factory";
import { and, eq, exists, isNull } from "drizzle-orm";
import { refreshTokens, users } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../app.ts";
import { verifyAccessToken } from "../services/auth/tokens.ts";

/** The token of an `Authorization: Bearer <token>` header; undefined when there is none or it has another shape. */
export function bearerToken(c: { req: { header(name: "authorization"): string | undefined } }): string | undefined {
  return /^Bearer\s+(\S+)$/.exec(c.req.header("authorization") ?? "")?.[1];
}

export const authenticate = createMiddleware<ApiHono>(async (c, next) => {
  const token = bearerToken(c);
  if (token === undefined) throw new ApiError("UNAUTHENTICATED", "Send your access token as 'Authorization: Bearer <token>'");
  const ctx = c.get("ctx");
  const { userId, sessionId } = await verifyAccessToken(ctx, token);
  const db = ctx.http();
  const liveSession = db
    .select({ id: refreshTokens.id })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.familyId, sessionId), eq(refreshTokens.userId, users.id), isNull(refreshTokens.revokedAt)));
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt, isPlatformAdmin: users.isPlatformAdmin, emailVerifiedAt: users.emailVerifiedAt, sessionLive: exists(liveSession) })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user || user.disabledAt !== null) throw new ApiError("UNAUTHENTICATED", "This account no longer exists or is disabled");
  if (!user.sessionLive) throw new ApiError("UNAUTHENTICATED", "This session has ended (signed out or revoked); sign in again");
  c.set("user", { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin, emailVerified: user.emailVerifiedAt !== null });
  await next();
});
