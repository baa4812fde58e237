/**
 * Password guessing is slowed down at its source, and the owner is never locked out (OWASP's
 * authentication guidance): failed sign-ins are counted per (IP, address) and per IP (IPv6 by
 * its /64, client-source.ts), and a source past either policy of the shared table is refused
 * with 429 until its window ends, while the same address from anywhere else signs in as usual. Guessing one address from many IPs
 * meets a growing delay (loginSlowdownPerEmail, at most 2 s) instead of a lock. Addresses are
 * hashed in Redis keys.
 *
 * Each attempt is counted as a failure before the password is checked and taken back when it was
 * right: counting first is what stops a burst of parallel guesses from all passing the check.
 * The counters are fixed windows (INCR, and an expiry set at the first failure), because
 * @upstash/ratelimit counts calls and cannot take one back. Redis being down or slow must not
 * stop sign-in: the attempt then goes through unthrottled and the outage is logged.
 */
import { ApiError, describeError, log, resolveRateLimitPolicies, sha256Hex, type RateLimitPolicy, type Redis } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { clientSource } from "../rate-limit/client-source.ts";

const TIMEOUT_MS = 500;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 2_000;

interface Counter {
  policy: RateLimitPolicy;
  key: string;
}

export interface LoginAttempt {
  /** The password was right: the attempt is not a failure, and this source starts afresh for the address. */
  succeeded(): Promise<void>;
}

/** Counts the attempt, refuses a source past its limits (429) and waits when the address is under attack. */
export async function beginLoginAttempt(ctx: ServiceContext, input: { email: string; ip: string | undefined }): Promise<LoginAttempt> {
  const policies = resolveRateLimitPolicies(ctx.env.RATE_LIMIT_OVERRIDES);
  const address = sha256Hex(input.email.trim().toLowerCase());
  // Cloudflare always names the client; without an IP (local calls) only the address is counted.
  const source = input.ip ? clientSource(input.ip) : undefined;
  const sourceCounters: Counter[] = source
    ? [
        { policy: policies.loginFailuresPerIpAndEmail, key: `${policies.loginFailuresPerIpAndEmail.keyPrefix}:${source}:${address}` },
        { policy: policies.loginFailuresPerIp, key: `${policies.loginFailuresPerIp.keyPrefix}:${source}` },
      ]
    : [];
  const addressCounter: Counter = { policy: policies.loginSlowdownPerEmail, key: `${policies.loginSlowdownPerEmail.keyPrefix}:${address}` };
  const counted: Counter[] = [];
  let delayMs = 0;
  try {
    if (sourceCounters.length > 0) {
      const counts = await countFailure(ctx.redis(), sourceCounters);
      counted.push(...sourceCounters);
      const refused = counts.find((count) => count.failures > count.counter.policy.requests);
      if (refused) {
        const retryAfter = Math.max(1, Math.ceil((refused.ttlMs > 0 ? refused.ttlMs : refused.counter.policy.windowSeconds * 1000) / 1000));
        throw new ApiError("RATE_LIMITED", `Too many failed sign-in attempts from your network; retry in ${retryAfter} s, or reset your password`, {
          headers: { "retry-after": String(retryAfter) },
        });
      }
    }
    const [count] = await countFailure(ctx.redis(), [addressCounter]);
    counted.push(addressCounter);
    delayMs = slowdown(count!.failures - addressCounter.policy.requests);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    log("warn", "sign-in throttling unavailable; letting the attempt through", { error: describeError(error) });
  }
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return { succeeded: () => takeBack(ctx.redis(), counted, sourceCounters[0]) };
}

/** 250 ms for the first failure past the policy, doubling each time, at most 2 s. */
function slowdown(failuresPastLimit: number): number {
  if (failuresPastLimit <= 0) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(failuresPastLimit - 1, 10));
}

async function countFailure(redis: Redis, counters: Counter[]): Promise<Array<{ counter: Counter; failures: number; ttlMs: number }>> {
  const pipeline = redis.pipeline();
  for (const { key } of counters) pipeline.incr(key).pttl(key);
  const replies = await withTimeout(pipeline.exec());
  const counts = counters.map((counter, index) => ({ counter, failures: Number(replies[index * 2]), ttlMs: Number(replies[index * 2 + 1]) }));
  // The first failure of a window starts it (and a counter left without an expiry gets one).
  const starting = counts.filter(({ ttlMs }) => ttlMs === -1);
  if (starting.length > 0) {
    const expiry = redis.pipeline();
    for (const { counter } of starting) expiry.expire(counter.key, counter.policy.windowSeconds);
    await withTimeout(expiry.exec());
  }
  return counts;
}

/** Undoes this attempt's counts; the source's counter for the address starts afresh. */
async function takeBack(redis: Redis, counted: Counter[], sourceAndAddress: Counter | undefined): Promise<void> {
  if (counted.length === 0) return;
  try {
    const pipeline = redis.pipeline();
    for (const { key } of counted) {
      if (key === sourceAndAddress?.key) pipeline.del(key);
      else pipeline.decr(key);
    }
    const replies = await withTimeout(pipeline.exec());
    // A counter whose window ended meanwhile was recreated by DECR, without an expiry: remove it.
    const emptied = counted.filter(({ key }, index) => key !== sourceAndAddress?.key && Number(replies[index]) <= 0).map(({ key }) => key);
    if (emptied.length > 0) await withTimeout(redis.del(...emptied));
  } catch (error) {
    log("warn", "could not take back a successful sign-in's count", { error: describeError(error) });
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
