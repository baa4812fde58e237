/**
 * "Forgot password" (OWASP Forgot Password Cheat Sheet): the caller learns nothing about whether
 * the address has an account. The limits are checked up front, the same for every address:
 * per IP (an IPv6 client by its /64, client-source.ts) and per IP and address, refused with 429;
 * then per (hashed) address, looser, and never refused — past it the answer is the same 202 and
 * no e-mail goes out, so nobody can stop an address's owner from resetting by asking for them.
 * Everything that depends on the account — the lookup, the token, the e-mail — runs after the
 * answer (the route hands sendPasswordReset to waitUntil), so neither the body nor the time
 * taken tells.
 */
import { sql } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { describeError, log, sha256Hex } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { assertRateLimit, checkRateLimit } from "../rate-limit/assert-rate-limit.ts";
import { clientSource } from "../rate-limit/client-source.ts";
import { sendAccountEmail } from "./send-account-email.ts";

const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** 429 past the IP-based limits; otherwise whether the reset e-mail may go out (false past the per-address cap). */
export async function limitPasswordResetRequests(ctx: ServiceContext, input: { email: string; ip: string | undefined }): Promise<{ send: boolean }> {
  const refusal = (retryAfter: number) => `Too many password reset requests from your network; retry in ${retryAfter} s`;
  // The address is hashed: Redis keys must not hold who asked.
  const address = sha256Hex(normalizeEmail(input.email));
  if (input.ip) {
    const source = clientSource(input.ip);
    await assertRateLimit(ctx, { policy: "forgotPasswordPerIp", identifier: source, refusal });
    await assertRateLimit(ctx, { policy: "forgotPasswordPerIpAndEmail", identifier: `${source}:${address}`, refusal });
  }
  const verdict = await checkRateLimit(ctx, { policy: "forgotPasswordPerEmail", identifier: address });
  return { send: verdict.allowed };
}

/**
 * The reset e-mail, when the address has an account that is not disabled; nothing otherwise.
 * Runs after the answer was sent, so it never rejects: a failure is logged (never the address).
 */
export async function sendPasswordReset(ctx: ServiceContext, email: string): Promise<void> {
  try {
    const address = normalizeEmail(email);
    const [user] = await ctx
      .http()
      .select({ id: users.id, email: users.email, disabledAt: users.disabledAt })
      .from(users)
      .where(sql`lower(${users.email}) = ${address}`)
      .limit(1);
    if (!user || user.disabledAt !== null) return;
    await sendAccountEmail(ctx, user, "reset_password");
  } catch (error) {
    log("error", "password reset e-mail not sent", { request_id: ctx.requestId, error: describeError(error) });
  }
}
