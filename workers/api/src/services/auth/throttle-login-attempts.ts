/**
 * Password guessing is slowed down at its source and spaced out at its target, and the owner is
 * never locked out for long (OWASP's authentication guidance). Failed sign-ins are counted per
 * (IP, address) and per IP (an IPv6 client by its /64, and by its /48 under
 * IPV6_SITE_LIMIT_FACTOR times the limit: client-source.ts); a source past either policy of the
 * shared table is refused with 429 until its window ends, while the same address from anywhere
 * else signs in as usual.
 *
 * Guessing one address from many sources (a /48 holds 65,536 /64s) meets the address's own
 * throttle: past loginFailuresPerEmail's free failures in its window, Redis keeps a "next attempt
 * allowed at" for the address (a key that expires then), and attempts before it, from anywhere,
 * are answered 429 with Retry-After without reaching the password check. The spacing starts at a
 * quarter of loginSpacingPerEmail's window and doubles with each further failure up to that
 * window (1 s, 2 s, 4 s by default), so guesses at one address are serialized to about one per
 * 4 s whatever the number of sources, and the owner waits a few seconds at most. Addresses are
 * hashed in Redis keys.
 *
 * One Lua script checks every limit and counts the attempt as a failure, atomically, before the
 * password is checked; a right password takes the counts back. Counting first is what stops a
 * burst of parallel guesses from all passing the check; a refused attempt counts nowhere, as no
 * password was tried. The counters are fixed windows (INCR, and an expiry set at the first
 * failure), because @upstash/ratelimit counts calls and cannot take one back. Redis being down or
 * slow must not stop sign-in: the attempt then goes through unthrottled and the outage is logged.
 */
import { ApiError, describeError, log, resolveRateLimitPolicies, sha256Hex, type Redis } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { clientSource, sourceTiers } from "../rate-limit/client-source.ts";

interface Counter {
  key: string;
  requests: number;
  windowSeconds: number;
}

/**
 * KEYS: the source counters, then the address's failures and its spacing key. ARGV: the number of
 * source counters, each one's limit and window (s), then the address's free failures, their window
 * (s), attempts per spacing, the first spacing and the longest (ms). Answers {0, 0} when the attempt
 * may go on (counted), {1, ms} when a source is past its limit, {2, ms} when the address is spaced.
 * Integers only (Lua 5.1 and 5.3 agree on them); EXISTS before GET, as a missing key's nil differs
 * between Redis and the local stand-in's Lua.
 */
const ATTEMPT_SCRIPT = `
local sources = tonumber(ARGV[1])
local function count(key)
  if redis.call('EXISTS', key) == 1 then return tonumber(redis.call('GET', key)) end
  return 0
end
local function increment(key, windowSeconds)
  local n = redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('EXPIRE', key, windowSeconds) end
  return n
end
local waitMs = 0
for i = 1, sources do
  if count(KEYS[i]) >= tonumber(ARGV[2 * i]) then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then ttl = tonumber(ARGV[2 * i + 1]) * 1000 end
    waitMs = math.max(waitMs, ttl)
  end
end
if waitMs > 0 then return {1, waitMs} end
local at = 2 * sources + 2
local failures, spacing = KEYS[sources + 1], KEYS[sources + 2]
local free, window, perSpacing = tonumber(ARGV[at]), tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
local firstMs, longestMs = tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4])
local spacingTtl = redis.call('PTTL', spacing)
if spacingTtl > 0 and count(spacing) >= perSpacing then return {2, spacingTtl} end
for i = 1, sources do increment(KEYS[i], ARGV[2 * i + 1]) end
local past = increment(failures, window) - free
if past > 0 then
  local ms = firstMs
  for _ = 2, math.min(past, 16) do ms = math.min(ms * 2, longestMs) end
  if redis.call('INCR', spacing) == 1 or redis.call('PTTL', spacing) < 0 then redis.call('PEXPIRE', spacing, ms) end
end
return {0, 0}
`;

export interface LoginAttempt {
  /** The password was right: the attempt is not a failure, and this source starts afresh for the address. */
  succeeded(): Promise<void>;
}

/** Counts the attempt, or refuses it (429) when its source is past its limits or the address is being spaced out. */
export async function beginLoginAttempt(ctx: ServiceContext, input: { email: string; ip: string | undefined }): Promise<LoginAttempt> {
  const policies = resolveRateLimitPolicies(ctx.env.RATE_LIMIT_OVERRIDES);
  const address = sha256Hex(input.email.trim().toLowerCase());
  // Cloudflare always names the client; without an IP (local calls) only the address is counted.
  const source = input.ip ? clientSource(input.ip) : undefined;
  const { loginFailuresPerIpAndEmail: perIpAndEmail, loginFailuresPerIp: perIp, loginFailuresPerEmail: perEmail, loginSpacingPerEmail: spacing } = policies;
  const sourceCounters: Counter[] = [];
  if (source) {
    sourceCounters.push({ key: `${perIpAndEmail.keyPrefix}:${source}:${address}`, requests: perIpAndEmail.requests, windowSeconds: perIpAndEmail.windowSeconds });
    for (const tier of sourceTiers(source, perIp.requests)) sourceCounters.push({ key: `${perIp.keyPrefix}:${tier.identifier}`, requests: tier.requests, windowSeconds: perIp.windowSeconds });
  }
  const addressCounter: Counter = { key: `${perEmail.keyPrefix}:${address}`, requests: perEmail.requests, windowSeconds: perEmail.windowSeconds };
  const longestSpacingMs = spacing.windowSeconds * 1000;
  let verdict: [number, number];
  try {
    verdict = await withTimeout(
      ctx.redis().eval<Array<string | number>, [number, number]>(
        ATTEMPT_SCRIPT,
        [...sourceCounters.map(({ key }) => key), addressCounter.key, `${spacing.keyPrefix}:${address}`],
        [
          sourceCounters.length,
          ...sourceCounters.flatMap(({ requests, windowSeconds }) => [requests, windowSeconds]),
          addressCounter.requests,
          addressCounter.windowSeconds,
          spacing.requests,
          Math.max(1, Math.floor(longestSpacingMs / 4)),
          longestSpacingMs,
        ],
      ),
      ctx.env.API_RATE_LIMIT_TIMEOUT_MS,
    );
  } catch (error) {
    log("warn", "sign-in throttling unavailable; letting the attempt through", { error: describeError(error) });
    return { succeeded: async () => {} };
  }
  const [refusal, waitMs] = verdict.map(Number) as [number, number];
  if (refusal !== 0) {
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    const reason = refusal === 1 ? "Too many failed sign-in attempts from your network" : "Too many failed sign-in attempts for this address";
    throw new ApiError("RATE_LIMITED", `${reason}; retry in ${retryAfter} s, or reset your password`, { headers: { "retry-after": String(retryAfter) } });
  }
  const counted = [...sourceCounters, addressCounter];
  return { succeeded: () => takeBack(ctx.redis(), counted, sourceCounters[0], ctx.env.API_RATE_LIMIT_TIMEOUT_MS) };
}

/** Undoes this attempt's counts; the source's counter for the address starts afresh. */
async function takeBack(redis: Redis, counted: Counter[], sourceAndAddress: Counter | undefined, timeoutMs: number): Promise<void> {
  if (counted.length === 0) return;
  try {
    const pipeline = redis.pipeline();
    for (const { key } of counted) {
      if (key === sourceAndAddress?.key) pipeline.del(key);
      else pipeline.decr(key);
    }
    const replies = await withTimeout(pipeline.exec(), timeoutMs);
    // A counter whose window ended meanwhile was recreated by DECR, without an expiry: remove it.
    const emptied = counted.filter(({ key }, index) => key !== sourceAndAddress?.key && Number(replies[index]) <= 0).map(({ key }) => key);
    if (emptied.length > 0) await withTimeout(redis.del(...emptied), timeoutMs);
  } catch (error) {
    log("warn", "could not take back a successful sign-in's count", { error: describeError(error) });
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
