/**
 * The management API's check against a policy of the shared rate-limit table: 429 RATE_LIMITED
 * with Retry-After once any of the given (policy, identifier) pairs is over its window. Redis
 * being down or slow must not stop sign-in and account recovery for everyone, so the check then
 * lets the request through and logs it. Identifiers that would name a person (e-mail addresses)
 * are hashed by the caller: Redis keys must not hold them.
 */
import { Ratelimit } from "@upstash/ratelimit";
import { ApiError, describeError, log, resolveRateLimitPolicies, type RateLimitPolicyName } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

const TIMEOUT_MS = 500;

export interface RateLimitCheck {
  policy: RateLimitPolicyName;
  identifier: string;
}

export async function assertRateLimit(ctx: ServiceContext, checks: RateLimitCheck[], refusal: string): Promise<void> {
  const policies = resolveRateLimitPolicies(ctx.env.RATE_LIMIT_OVERRIDES);
  let verdicts;
  try {
    verdicts = await Promise.all(
      checks.map(({ policy, identifier }) => {
        const { requests, windowSeconds, keyPrefix } = policies[policy];
        const limiter = new Ratelimit({
          redis: ctx.redis(),
          limiter: Ratelimit.slidingWindow(requests, `${windowSeconds} s`),
          prefix: keyPrefix,
          ephemeralCache: false,
          analytics: false,
          timeout: TIMEOUT_MS,
        });
        return limiter.limit(identifier);
      }),
    );
  } catch (error) {
    log("warn", "rate limit unavailable; letting the request through", { policies: checks.map((check) => check.policy), error: describeError(error) });
    return;
  }
  const refused = verdicts.find((verdict) => !verdict.success && verdict.reason !== "timeout");
  if (refused) {
    const retryAfter = Math.max(1, Math.ceil((refused.reset - Date.now()) / 1000));
    throw new ApiError("RATE_LIMITED", `${refusal}; retry in ${retryAfter} s`, { headers: { "retry-after": String(retryAfter) } });
  }
}
