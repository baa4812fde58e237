/**
 * Registration with e-mail and password: the account, its first session and the e-mail that
 * verifies its address. The account works before the address is verified; a mail that could not
 * be sent is logged and the user asks for another (POST /api/auth/resend-verification).
 */
import { sql } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { hashPassword } from "./password.ts";
import { sendAccountEmail } from "./send-account-email.ts";
import { issueSession, type Session } from "./tokens.ts";

export async function registerUser({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { email: string; password: string; name: string; userAgent?: string | undefined };
}): Promise<Session> {
  const email = input.email.trim().toLowerCase();
  const [taken] = await ctx.db().select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email}`).limit(1);
  if (taken) throw new ApiError("CONFLICT", "An account with this e-mail already exists; sign in instead");
  const user = { id: newId("user"), email, name: input.name.trim() };
  // The unique index on lower(email) settles a race between two registrations (409 via the error model).
  await ctx.db().insert(users).values({ ...user, passwordHash: await hashPassword(input.password) });
  const { refreshTokenId: _unused, ...session } = await issueSession(ctx, user, { userAgent: input.userAgent });
  await sendAccountEmail(ctx, user, "verify_email");
  return session;
}
