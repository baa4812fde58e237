/**
 * How a finished Google sign-in reaches the site without putting tokens in any URL: the callback
 * redirects to `${SITE_URL}/auth/callback#code=…` with a one-time code (random, 60 seconds,
 * stored in Redis only as its SHA-256), and the site trades it for a session with
 * POST /api/auth/google/exchange. The exchange also needs the verifier of the challenge the site
 * sent when it started the sign-in, so a code is only good in the browser tab that asked for it:
 * a leaked code is useless, and nobody can log a victim into their own account with a link
 * (login CSRF). The session itself is issued only at the exchange.
 */
import { eq } from "drizzle-orm";
import * as z from "zod";
import { users } from "@xr2/db/schema";
import { ApiError, base64url, randomToken, sha256Hex } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { googleConfig } from "./google-config.ts";
import { constantTimeEqual } from "./google-sign-in-state.ts";
import { issueSession, type Session } from "./tokens.ts";

export const HAND_OFF_TTL_SECONDS = 60;

const handOffSchema = z.object({ userId: z.string(), handOffChallenge: z.string(), redirectTo: z.string() });
type HandOff = z.infer<typeof handOffSchema>;

const redisKey = (code: string) => `auth:google-hand-off:${sha256Hex(code)}`;

/** PKCE's S256: base64url(SHA-256(verifier)). */
export async function s256Challenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

export async function createHandOff(ctx: ServiceContext, handOff: HandOff): Promise<string> {
  const code = randomToken();
  await ctx.redis().set(redisKey(code), handOff, { ex: HAND_OFF_TTL_SECONDS });
  return code;
}

export async function redeemHandOff({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { code: string; codeVerifier: string; userAgent?: string | undefined };
}): Promise<Session & { redirect_to: string }> {
  googleConfig(ctx.env); // 404 while Google sign-in is off
  // GETDEL: a code is consumed by its first use, whether the verifier matches or not.
  const stored = handOffSchema.safeParse(await ctx.redis().getdel(redisKey(input.code)));
  if (!stored.success) throw new ApiError("UNAUTHENTICATED", "Unknown, used or expired sign-in code: start Google sign-in again");
  const { userId, handOffChallenge, redirectTo } = stored.data;
  if (!(await constantTimeEqual(await s256Challenge(input.codeVerifier), handOffChallenge))) {
    throw new ApiError("UNAUTHENTICATED", "The code verifier does not match the challenge this sign-in was started with");
  }
  const [user] = await ctx.db().select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.disabledAt !== null) throw new ApiError("UNAUTHENTICATED", "This account is disabled");
  await ctx.db().update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  const { refreshTokenId: _unused, ...session } = await issueSession(ctx, user, { userAgent: input.userAgent });
  return { ...session, redirect_to: redirectTo };
}
