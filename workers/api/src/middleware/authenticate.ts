/**
 * `Authorization: Bearer <token>` → the caller on the context, or 401. Two kinds of token:
 * - a session's JWT: a user disabled since it was issued is refused, and so is a token whose
 *   session (its refresh-token family, the `sid` claim) has ended: logout and reuse detection
 *   take effect at once. Both are read in the one query this middleware makes.
 * - an access token (`xr2_at_…`, issue #16): its creator becomes `user` and the token
 *   `accessToken`. Tokens are refused (403) on every route except those that admit them: the
 *   workspace routes, whose `requirePermission` checks the token's scopes (a permission no scope
 *   grants refuses it there), and the few that say so with `acceptAccessTokens`. The decision is read here, from the running route's middleware
 *   chain, so a new route refuses tokens unless it is built to check them.
 */
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { matchedRoutes, routePath } from "hono/route";
import { and, eq, exists, isNull } from "drizzle-orm";
import { refreshTokens, users } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../app.ts";
import { unwrapHandler } from "../route-chain.ts";
import { ACCESS_TOKENS_REFUSED, enforcedPermission } from "../permissions.ts";
import { verifyAccessToken } from "../services/auth/tokens.ts";
import { authenticateAccessToken, isAccessToken } from "../services/access-tokens/authenticate-access-token.ts";

/** Put after `authenticate` on a route that is not a workspace route but serves access tokens (GET /api/access-tokens/current). */
export const acceptAccessTokens = createMiddleware<ApiHono>(async (_c, next) => {
  await next();
});

/** Whether the route now running has `requirePermission` or `acceptAccessTokens` in its chain (`use()` middleware, method ALL, is not the route's). */
function routeAdmitsAccessTokens(c: Context<ApiHono>): boolean {
  const path = routePath(c);
  return matchedRoutes(c).some((route) => {
    if (route.method === "ALL" || route.path !== path) return false;
    const handler = unwrapHandler(route.handler);
    return handler === acceptAccessTokens || enforcedPermission(handler as object) !== undefined;
  });
}

/** The token of an `Authorization: Bearer <token>` header; undefined when there is none or it has another shape. */
export function bearerToken(c: { req: { header(name: "authorization"): string | undefined } }): string | undefined {
  return /^Bearer\s+(\S+)$/.exec(c.req.header("authorization") ?? "")?.[1];
}

export const authenticate = createMiddleware<ApiHono>(async (c, next) => {
  const token = bearerToken(c);
  if (token === undefined) throw new ApiError("UNAUTHENTICATED", "Send your access token as 'Authorization: Bearer <token>'");
  const ctx = c.get("ctx");
  if (isAccessToken(token)) {
    const caller = await authenticateAccessToken({ ctx, input: { token } });
    if (!routeAdmitsAccessTokens(c)) throw new ApiError("FORBIDDEN", ACCESS_TOKENS_REFUSED);
    // At most once a minute per token, alongside the request (waitUntil keeps it alive past the answer): the write never delays a call.
    if (caller.recordUse) c.executionCtx.waitUntil(caller.recordUse());
    c.set("user", caller.user);
    c.set("accessToken", caller.accessToken);
    return next();
  }
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
