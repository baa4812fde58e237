/**
 * Registration with e-mail and password: the account, its first session and the e-mail that
 * verifies its address. The password must be hard to guess, and sign-ups are limited per IP
 * (signUpPerIp) so accounts cannot be made in bulk. The account works before the address is
 * verified; a mail that could not be sent is logged and the user asks for another
 * (POST /api/auth/resend-verification).
 */
import { sql } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { assertRateLimit } from "../rate-limit/assert-rate-limit.ts";
import { clientSource } from "../rate-limit/client-source.ts";
import { hashPassword } from "./password.ts";
import { assertStrongPassword } from "./password-strength.ts";
import { sendAccountEmail } from "./send-account-email.ts";
import { issueSession, type Session } from "./tokens.ts";

export async function registerUser({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { email: string; password: string; name: string; userAgent?: string | undefined; ip?: string | undefined };
}): Promise<Session> {
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  // Checked before the limit, so someone finding a strong enough password does not use up their sign-ups.
  await assertStrongPassword(input.password, [email, name]);
  if (input.ip) {
    await assertRateLimit(ctx, {
      policy: "signUpPerIp",
      identifier: clientSource(input.ip),
      refusal: (retryAfter) => `Too many accounts were created from your network; retry in ${retryAfter} s`,
    });
  }
  const [taken] = await ctx.db().select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email}`).limit(1);
  if (taken) throw new ApiError("CONFLICT", "An account with this e-mail already exists; sign in instead");
  const user = { id: newId("user"), email, name };
  // The unique index on lower(email) settles a race between two registrations (409 via the error model).
  await ctx.db().insert(users).values({ ...user, passwordHash: await hashPassword(input.password) });
  const { refreshTokenId: _unused, ...session } = await issueSession(ctx, user, { userAgent: input.userAgent });
  await sendAccountEmail(ctx, user, "verify_email");
  return session;
}
