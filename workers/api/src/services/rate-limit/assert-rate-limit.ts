/**
 * The API worker's limit on calls (sign-up per IP and the like): one policy of the shared table,
 * a sliding window in Upstash Redis per identifier, and a 429 with Retry-After past it. A policy
 * for the subject "ip" takes clientSource's bucket and also counts an IPv6 client's /48, under
 * IPV6_SITE_LIMIT_FACTOR times the limit. These guard accounts, not Redis: when Redis is down or
 * slow (API_RATE_LIMIT_TIMEOUT_MS, 500 ms by default) the call goes through and the outage is
 * logged, so an outage never stops people signing up.
 */
import { Ratelimit } from "@upstash/ratelimit";
import { ApiError, describeError, log, resolveRateLimitPolicies, type RateLimitPolicyName } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { sourceTiers } from "./client-source.ts";

export async function assertRateLimit(
  ctx: ServiceContext,
  input: { policy: RateLimitPolicyName; identifier: string; refusal: (retryAfterSeconds: number) => string },
): Promise<void> {
  const verdict = await checkRateLimit(ctx, input);
  if (verdict.allowed) return;
  throw new ApiError("RATE_LIMITED", input.refusal(verdict.retryAfterSeconds), { headers: { "retry-after": String(verdict.retryAfterSeconds) } });
}

/**
 * Counts the call and says whether it is within the policy, without refusing: for limits whose
 * caller answers the same either way (forgot-password's per-address cap sends nothing past it).
 */
export async function checkRateLimit(
  ctx: ServiceContext,
  input: { policy: RateLimitPolicyName; identifier: string },
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  const policy = resolveRateLimitPolicies(ctx.env.RATE_LIMIT_OVERRIDES)[input.policy];
  const tiers = policy.subject === "ip" ? sourceTiers(input.identifier, policy.requests) : [{ identifier: input.identifier, requests: policy.requests }];
  let verdicts;
  try {
    verdicts = await Promise.all(
      tiers.map(({ identifier, requests }) =>
        new Ratelimit({
          redis: ctx.redis(),
          limiter: Ratelimit.slidingWindow(requests, `${policy.windowSeconds} s`),
          prefix: policy.keyPrefix,
          ephemeralCache: false,
          analytics: false,
          timeout: ctx.env.API_RATE_LIMIT_TIMEOUT_MS,
        }).limit(identifier),
      ),
    );
  } catch (error) {
    log("warn", "rate limit unavailable; letting the call through", { policy: input.policy, error: describeError(error) });
    return { allowed: true };
  }
  // On a timeout the library answers success with reason "timeout".
  if (verdicts.some((verdict) => verdict.reason === "timeout")) log("warn", "rate limit timed out; letting the call through", { policy: input.policy });
  const refused = verdicts.filter((verdict) => !verdict.success);
  if (refused.length === 0) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, ...refused.map((verdict) => Math.ceil((verdict.reset - Date.now()) / 1000))) };
}
