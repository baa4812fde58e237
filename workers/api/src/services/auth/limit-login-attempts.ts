/**
 * Sign-in attempts are limited per e-mail address and per IP address (policies loginPerEmail and
 * loginPerIp of the shared table), so passwords cannot be guessed at speed. Redis being down
 * must not lock everyone out: the check then lets the attempt through and logs it.
 */
import { Ratelimit } from "@upstash/ratelimit";
import { ApiError, describeError, log, resolveRateLimitPolicies, sha256Hex, type RateLimitPolicy } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

const TIMEOUT_MS = 500;

function limiter(ctx: ServiceContext, policy: RateLimitPolicy): Ratelimit {
  return new Ratelimit({
    redis: ctx.redis(),
    limiter: Ratelimit.slidingWindow(policy.requests, `${policy.windowSeconds} s`),
    prefix: policy.keyPrefix,
    ephemeralCache: false,
    analytics: false,
    timeout: TIMEOUT_MS,
  });
}

export async function limitLoginAttempts(ctx: ServiceContext, input: { email: string; ip: string | undefined }): Promise<void> {
  const policies = resolveRateLimitPolicies(ctx.env.RATE_LIMIT_OVERRIDES);
  // The address is hashed: Redis keys must not hold who tried to sign in.
  const checks: Array<[RateLimitPolicy, string]> = [[policies.loginPerEmail, sha256Hex(input.email.trim().toLowerCase())]];
  if (input.ip) checks.push([policies.loginPerIp, input.ip]);
  let verdicts;
  try {
    verdicts = await Promise.all(checks.map(([policy, identifier]) => limiter(ctx, policy).limit(identifier)));
  } catch (error) {
    log("warn", "login rate limit unavailable; letting the attempt through", { error: describeError(error) });
    return;
  }
  const refused = verdicts.find((verdict) => !verdict.success && verdict.reason !== "timeout");
  if (refused) {
    const retryAfter = Math.max(1, Math.ceil((refused.reset - Date.now()) / 1000));
    throw new ApiError("RATE_LIMITED", `Too many sign-in attempts; retry in ${retryAfter} s`, { headers: { "retry-after": String(retryAfter) } });
  }
}
