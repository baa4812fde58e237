/**
 * `Authorization: Bearer <access token>` → the signed-in user on the context, or 401. A user
 * disabled since the token was issued is refused too.
 */
import { createMiddleware } from "hono/factory";
import { eq } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../app.ts";
import { verifyAccessToken } from "../services/auth/tokens.ts";

export const authenticate = createMiddleware<ApiHono>(async (c, next) => {
  const match = /^Bearer\s+(\S+)$/.exec(c.req.header("authorization") ?? "");
  if (!match?.[1]) throw new ApiError("UNAUTHENTICATED", "Send your access token as 'Authorization: Bearer <token>'");
  const ctx = c.get("ctx");
  const userId = await verifyAccessToken(ctx, match[1]);
  const [user] = await ctx.http().select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt, isPlatformAdmin: users.isPlatformAdmin }).from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.disabledAt !== null) throw new ApiError("UNAUTHENTICATED", "This account no longer exists or is disabled");
  c.set("user", { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin });
  await next();
});
