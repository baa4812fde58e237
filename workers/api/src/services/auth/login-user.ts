/**
 * Sign-in with e-mail and password. Every failure reads the same, so it does not reveal which
 * accounts exist; failures are throttled per source (throttle-login-attempts.ts).
 */
import { eq, sql } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { beginLoginAttempt } from "./throttle-login-attempts.ts";
import { issueSession, type Session } from "./tokens.ts";

// Verified against when the account does not exist, so both paths cost one key derivation.
let decoyHash: Promise<string> | undefined;

export async function loginUser({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { email: string; password: string; userAgent?: string | undefined; ip?: string | undefined };
}): Promise<Session> {
  const email = input.email.trim().toLowerCase();
  const attempt = await beginLoginAttempt(ctx, { email, ip: input.ip });
  const [user] = await ctx.db().select().from(users).where(sql`lower(${users.email}) = ${email}`).limit(1);
  decoyHash ??= hashPassword("decoy password that matches nothing");
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash));
  if (!user || !user.passwordHash || !valid) throw new ApiError("UNAUTHENTICATED", "Wrong e-mail or password");
  if (user.disabledAt !== null) throw new ApiError("UNAUTHENTICATED", "This account is disabled");
  await attempt.succeeded();
  await ctx.db().update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  const { refreshTokenId: _unused, ...session } = await issueSession(ctx, user, { userAgent: input.userAgent });
  return session;
}
