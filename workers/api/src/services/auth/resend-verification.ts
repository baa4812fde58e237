/**
 * Another verification e-mail for the signed-in user (the first was lost, or its link expired);
 * the earlier links stop working once it was sent (a provider failure leaves them working). Limited per user (resendVerificationPerUser), since each call
 * sends an e-mail.
 */
import { eq } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { assertRateLimit } from "../rate-limit/assert-rate-limit.ts";
import { sendAccountEmail } from "./send-account-email.ts";

export async function resendVerification({ ctx, input }: { ctx: ServiceContext; input: { userId: string } }): Promise<{ sent: true }> {
  const [user] = await ctx.http().select({ id: users.id, email: users.email, emailVerifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, input.userId)).limit(1);
  if (!user) throw new ApiError("UNAUTHENTICATED", "This account no longer exists or is disabled");
  if (user.emailVerifiedAt !== null) throw new ApiError("CONFLICT", "This e-mail address is already verified");
  await assertRateLimit(ctx, { policy: "resendVerificationPerUser", identifier: user.id, refusal: (retryAfter) => `Too many verification e-mails asked for; retry in ${retryAfter} s` });
  if (!(await sendAccountEmail(ctx, user, "verify_email"))) {
    throw new ApiError("DEPENDENCY_UNAVAILABLE", "The verification e-mail could not be sent; try again in a few minutes");
  }
  return { sent: true };
}
