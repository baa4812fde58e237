/**
 * Rate limits on the hot path (E3): the policies an operation names in the shared table, for the
 * calling key and its workspace, checked concurrently (one auto-pipelined Redis round trip) with
 * @upstash/ratelimit's sliding window. A request over any limit gets 429 with Retry-After; every
 * answer carries RateLimit-Limit/-Remaining/-Reset for the tightest policy.
 *
 * Redis must never take the Product API down with it: an answer slower than
 * RATE_LIMIT_TIMEOUT_MS (50 ms by default) or an error counts as "unavailable", logged once per
 * outage per isolate, and the request goes through, or gets 503 with RATE_LIMIT_FAIL_CLOSED.
 * After a failure Redis is left alone for BREAKER_MS, so during an outage requests do not each
 * wait out the deadline.
 *
 * Blocks are remembered in the isolate until the window resets, so a client hammering past its
 * limit is refused without a Redis round trip. The library's own `ephemeralCache` does that per
 * limiter and so cannot stop a request its key limit refuses from still counting against the
 * workspace (one runaway key would then exhaust its whole workspace); this list sits above both
 * policies and is checked before either counts. The library's cache is therefore off.
 *
 * Redis round trips are amortised with leases: when Redis says a subject has plenty left, this
 * isolate may admit a few more of its requests (at most a tenth of what is left, at most
 * LEASE_MAX, for RATE_LIMIT_LEASE_MS) without asking, and reports them with its next check (`rate`), so
 * they are still counted. Near a limit there is no lease and every request asks Redis, so a
 * limit is never overshot by more than a tenth of what remained when leases were handed out.
 * A lease is renewed before it runs out: the request that uses up half of it (or finds it close
 * to expiry) reports what is owed in its `waitUntil`, after its answer, so under steady traffic
 * no request waits for Redis. Only that request's own context does the I/O; the others read
 * and write plain data (workerd forbids I/O on behalf of another request).
 *
 * Limits come from the key's record where the API worker resolved one (key → workspace → global,
 * `ApiKeyRecord.limits`), else from the policy table; null exempts. Blocks and leases are
 * remembered per limit value, so a raised limit applies as soon as the new record is read.
 *
 * Monthly quotas (QUOTA_POLICIES) ride along: one more command in the same pipelined round trip,
 * on the same leases, a counter per workspace and calendar month (UTC). Over its quota a
 * workspace gets 429 QUOTA_EXCEEDED until the month ends; the edge counts even without a quota,
 * so Settings can show usage. Redis trouble lets requests through, as for rate limits.
 */
import { Ratelimit } from "@upstash/ratelimit";
import type { Context } from "hono";
import {
  ApiError,
  createRedis,
  describeError,
  log,
  QUOTA_POLICIES,
  quotaCounterKey,
  quotaMonth,
  quotaResetsAt,
  resolveRateLimitPolicies,
  type ApiKeyLimits,
  type ApiKeyRecord,
  type QuotaPolicyName,
  type RateLimitPolicy,
  type RateLimitPolicyName,
  type Redis,
} from "@xr2/shared";
import type { EdgeEnv, EdgeHono } from "../env.ts";
import { TtlCache } from "./ttl-cache.ts";

/** A policy as checked: a rate limit, or a monthly quota (`quota` names it; `requests` is its value, Infinity for none). */
interface CheckedPolicy extends RateLimitPolicy {
  quota?: string;
}

interface Verdict {
  policy: CheckedPolicy;
  success: boolean;
  limit: number;
  remaining: number;
  /** Unix time in ms at which the current window ends. */
  reset: number;
  /** Quotas: what the workspace has used this month. */
  used?: number;
}

const LEASE_MAX = 100;
const BREAKER_MS = 1_000;

/** Requests this isolate may admit for one subject without asking Redis, and those it owes it. */
interface Lease {
  granted: number;
  remaining: number;
  expires: number;
  verdict: Verdict;
  /** A renewal is on its way to Redis; no second one is started meanwhile. */
  renewing: boolean;
}

interface LimitResult {
  success: boolean;
  limit: number;
  remaining: number;
  reset: number;
  used?: number;
  pending: Promise<unknown>;
}

interface Check {
  policy: CheckedPolicy;
  /** `rate` calls to count, of which the last `fresh` ask now (the others were admitted on a lease). */
  ratelimit: { limit(identifier: string, options: { rate: number; fresh: number }): Promise<LimitResult> };
  identifier: string;
  /** The Redis counter's subject: what is owed to it is reported whatever the limit. */
  counterKey: string;
  /** The counter under this limit: blocks and leases are remembered per limit value. */
  blockKey: string;
}

interface Limiters {
  redis: Redis;
  policies: Record<RateLimitPolicyName, RateLimitPolicy>;
  /** One Ratelimit per policy and limit value in use (keys carry their own). */
  ratelimits: Map<string, Ratelimit>;
  /** Refusals, keyed by Redis key, until their window resets; bounded like the other caches. */
  blocked: TtlCache<Verdict>;
  /** Set while Redis is unavailable, so an outage is logged once, not once per request. */
  unavailable: boolean;
  /** After a failed check, Redis is not asked again until then: requests do not each wait out the deadline. */
  retryAfter: number;
  leases: Map<string, Lease>;
  /** Requests admitted on a lease and not yet reported to Redis, by subject. */
  owed: Map<string, number>;
}

// Per validated env, which workerd keeps for the isolate's life: limiters are built once.
const limitersByEnv = new WeakMap<EdgeEnv, Limiters>();

function limitersFor(env: EdgeEnv): Limiters {
  let limiters = limitersByEnv.get(env);
  if (limiters) return limiters;
  // No retries: the hot path has one short deadline, and a retry could not finish within it.
  const redis = createRedis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, retries: 0 });
  const policies = resolveRateLimitPolicies(env.RATE_LIMIT_OVERRIDES);
  // Each entry is set with its own TTL (until its window resets); the default is never used.
  limiters = { redis, policies, ratelimits: new Map(), blocked: new TtlCache({ ttlMs: 0, maxEntries: 1_000 }), unavailable: false, retryAfter: 0, leases: new Map(), owed: new Map() };
  limitersByEnv.set(env, limiters);
  return limiters;
}

function ratelimitFor(limiters: Limiters, policy: RateLimitPolicy): Ratelimit {
  const id = `${policy.keyPrefix}|${policy.requests}|${policy.windowSeconds}`;
  let ratelimit = limiters.ratelimits.get(id);
  if (ratelimit) return ratelimit;
  if (limiters.ratelimits.size >= 1_000) limiters.ratelimits.clear();
  ratelimit = new Ratelimit({
    redis: limiters.redis,
    limiter: Ratelimit.slidingWindow(policy.requests, `${policy.windowSeconds} s`),
    prefix: policy.keyPrefix,
    ephemeralCache: false,
    // The deadline is ours (one for all policies of a request); 0 turns the library's off.
    timeout: 0,
    analytics: false,
    enableTelemetry: false,
  });
  limiters.ratelimits.set(id, ratelimit);
  return ratelimit;
}

const RECORD_FIELDS: Partial<Record<RateLimitPolicyName, keyof ApiKeyLimits>> = {
  getPromptPerKey: "get_prompt_per_key",
  getPromptPerWorkspace: "get_prompt_per_workspace",
  eventsPerKey: "events_per_key",
  eventsPerWorkspace: "events_per_workspace",
};
const QUOTA_FIELDS = { getPromptPerMonth: "get_prompt_per_month", eventsPerMonth: "events_per_month" } as const satisfies Record<QuotaPolicyName, keyof ApiKeyLimits>;

/** The check of a rate-limit policy for this key, with the key's resolved limit; null when exempt. */
function rateCheck(limiters: Limiters, name: RateLimitPolicyName, apiKey: ApiKeyRecord): Check | null {
  const field = RECORD_FIELDS[name];
  const own = field ? (apiKey.limits?.[field] as { requests: number; window_seconds: number } | null | undefined) : undefined;
  if (own === null) return null;
  const policy = own ? { ...limiters.policies[name], requests: own.requests, windowSeconds: own.window_seconds } : limiters.policies[name];
  const identifier = policy.subject === "api_key" ? apiKey.key_id : apiKey.workspace_id;
  const counterKey = `${policy.keyPrefix}:${identifier}`;
  return { policy, ratelimit: ratelimitFor(limiters, policy), identifier, counterKey, blockKey: `${counterKey}|${policy.requests}/${policy.windowSeconds}` };
}

// Counts the month's calls (a negative limit: none) and answers [used, admitted]. Of `rate`, the
// last `fresh` are the request asking now; the others were admitted on a lease already and are
// counted whatever the limit. The fresh ones are refused, and not counted, past the limit.
const QUOTA_SCRIPT = `local before = tonumber(redis.call('GET', KEYS[1]) or '0')
local rate = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local fresh = tonumber(ARGV[4])
local admitted = 1
if limit >= 0 and before + rate > limit then
  admitted = 0
  rate = rate - fresh
end
local used = before
if rate > 0 then
  used = redis.call('INCRBY', KEYS[1], rate)
  if before == 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3])) end
end
return {used, admitted}`;

/** The check of a monthly quota: the workspace's counter for this month, against the key record's value (none: count only). */
function quotaCheck(limiters: Limiters, name: QuotaPolicyName, apiKey: ApiKeyRecord, now: Date): Check {
  const value = apiKey.limits?.[QUOTA_FIELDS[name]] ?? null;
  const counterKey = quotaCounterKey(name, apiKey.workspace_id, quotaMonth(now));
  const reset = quotaResetsAt(now).getTime();
  // Kept for a month after it ends, so last month's usage can still be read.
  const ttlSeconds = Math.ceil((reset - now.getTime()) / 1000) + 32 * 86_400;
  const policy: CheckedPolicy = { subject: "workspace", requests: value ?? Infinity, windowSeconds: Math.ceil((reset - now.getTime()) / 1000), keyPrefix: QUOTA_POLICIES[name].keyPrefix, quota: QUOTA_POLICIES[name].limit };
  return {
    policy,
    identifier: apiKey.workspace_id,
    counterKey,
    blockKey: `${counterKey}|${value ?? "none"}`,
    ratelimit: {
      async limit(_identifier, { rate, fresh }) {
        const [used, admitted] = await limiters.redis.eval<[number, number, number, number], [number, number]>(QUOTA_SCRIPT, [counterKey], [rate, value ?? -1, ttlSeconds, fresh]);
        return { success: admitted === 1, limit: value ?? Infinity, remaining: value === null ? Infinity : Math.max(0, value - used), reset, used, pending: Promise.resolve() };
      },
    },
  };
}

export async function assertRateLimit(c: Context<EdgeHono>, input: { policies: readonly RateLimitPolicyName[]; quota?: QuotaPolicyName; apiKey: ApiKeyRecord }): Promise<void> {
  const env = c.get("env");
  const limiters = limitersFor(env);
  const checks = input.policies.map((name) => rateCheck(limiters, name, input.apiKey)).filter((check): check is Check => check !== null);
  if (input.quota) checks.push(quotaCheck(limiters, input.quota, input.apiKey, new Date()));
  if (checks.length === 0) return;

  for (const check of checks) {
    const blocked = limiters.blocked.get(check.blockKey);
    if (blocked) throw rateLimited(blocked);
  }

  // Every subject holds a lease: admit locally, and answer with what the leases remember.
  const now = Date.now();
  const leases = checks.map((check) => limiters.leases.get(check.blockKey));
  if (leases.every((lease): lease is Lease => lease !== undefined && lease.expires > now && lease.remaining > 0)) {
    for (const [index, lease] of leases.entries()) {
      lease.remaining--;
      const key = checks[index]!.counterKey;
      limiters.owed.set(key, (limiters.owed.get(key) ?? 0) + 1);
    }
    setRateLimitHeaders(c, leases.map((lease) => ({ ...lease.verdict, remaining: Math.max(0, lease.verdict.remaining - (lease.granted - lease.remaining)) })));
    const due = leases.some((lease) => !lease.renewing && (lease.remaining <= lease.granted / 2 || lease.expires - now <= env.RATE_LIMIT_LEASE_MS / 2));
    if (due && limiters.retryAfter <= now) {
      for (const lease of leases) lease.renewing = true;
      c.executionCtx.waitUntil(renewLeases(env, limiters, checks));
    }
    return;
  }

  if (limiters.retryAfter > now) return unavailable(env);

  const owed = checks.map((check) => limiters.owed.get(check.counterKey) ?? 0);
  for (const check of checks) limiters.owed.delete(check.counterKey);
  const answer = await withinDeadline(
    Promise.all(checks.map((check, index) => check.ratelimit.limit(check.identifier, { rate: 1 + owed[index]!, fresh: 1 }))),
    env.RATE_LIMIT_TIMEOUT_MS,
  );
  if (!answer.ok) {
    // What was admitted on leases is still owed: the next check reports it (as renewLeases does).
    for (const [index, check] of checks.entries()) if (owed[index]! > 0) limiters.owed.set(check.counterKey, (limiters.owed.get(check.counterKey) ?? 0) + owed[index]!);
    noteUnavailable(env, limiters, answer.error);
    return unavailable(env);
  }
  noteAvailable(limiters);
  // Work the library leaves for after the answer (none for one region without analytics today).
  c.executionCtx.waitUntil(Promise.all(answer.value.map((result) => result.pending)));

  const verdicts = recordVerdicts(env, limiters, checks, answer.value);
  const refusal = verdicts.filter((verdict) => !verdict.success).reduce<Verdict | undefined>((longest, verdict) => (!longest || verdict.reset > longest.reset ? verdict : longest), undefined);
  // The refusal that lasts longest decides when a retry can succeed.
  if (refusal) throw rateLimited(refusal);
  setRateLimitHeaders(c, verdicts);
}

/** RateLimit-* for the tightest rate limit (quotas answer with their own code and details, not these headers). */
function setRateLimitHeaders(c: Context<EdgeHono>, verdicts: Verdict[]): void {
  const rates = verdicts.filter((verdict) => !verdict.policy.quota);
  if (rates.length === 0) return;
  const tightest = rates.reduce((least, verdict) => (verdict.remaining < least.remaining ? verdict : least));
  for (const [name, value] of Object.entries(rateLimitHeaders(tightest))) c.header(name, value);
}

/**
 * Reports what was admitted on the leases of `checks` and takes new leases (or a refusal) from
 * Redis's answer. On failure the debt is kept for the next check, and the leases run out.
 */
async function renewLeases(env: EdgeEnv, limiters: Limiters, checks: Check[]): Promise<void> {
  const owed = checks.map((check) => limiters.owed.get(check.counterKey) ?? 0);
  const due = checks.filter((_, index) => owed[index]! > 0);
  const debts = owed.filter((count) => count > 0);
  for (const check of due) limiters.owed.delete(check.counterKey);
  const answer = await withinDeadline(
    Promise.all(due.map((check, index) => check.ratelimit.limit(check.identifier, { rate: debts[index]!, fresh: 0 }))),
    env.RATE_LIMIT_TIMEOUT_MS,
  );
  for (const check of checks) {
    const lease = limiters.leases.get(check.blockKey);
    if (lease) lease.renewing = false;
  }
  if (!answer.ok) {
    for (const [index, check] of due.entries()) limiters.owed.set(check.counterKey, (limiters.owed.get(check.counterKey) ?? 0) + debts[index]!);
    noteUnavailable(env, limiters, answer.error);
    return;
  }
  noteAvailable(limiters);
  await Promise.all(answer.value.map((result) => result.pending));
  recordVerdicts(env, limiters, due, answer.value);
}

/**
 * Remembers Redis's verdicts: a refusal blocks its subject until the window resets and ends the
 * leases of `checks`; otherwise each subject gets a lease sized by what is left. Requests
 * admitted on the old lease while Redis answered are still owed, so the new lease's budget
 * leaves them out.
 */
function recordVerdicts(env: EdgeEnv, limiters: Limiters, checks: Check[], results: Array<{ success: boolean; limit: number; remaining: number; reset: number; used?: number }>): Verdict[] {
  const verdicts = results.map((result, index): Verdict => {
    const admittedMeanwhile = limiters.owed.get(checks[index]!.counterKey) ?? 0;
    return { policy: checks[index]!.policy, success: result.success, limit: result.limit, remaining: Math.max(0, result.remaining - admittedMeanwhile), reset: result.reset, ...(result.used === undefined ? {} : { used: result.used }) };
  });
  if (verdicts.some((verdict) => !verdict.success)) {
    for (const [index, verdict] of verdicts.entries()) if (!verdict.success) limiters.blocked.set(checks[index]!.blockKey, verdict, verdict.reset - Date.now());
    for (const check of checks) limiters.leases.delete(check.blockKey);
    return verdicts;
  }
  for (const [index, verdict] of verdicts.entries()) {
    const grant = Math.min(LEASE_MAX, Math.floor(verdict.remaining / 10));
    if (grant > 0) limiters.leases.set(checks[index]!.blockKey, { granted: grant, remaining: grant, expires: Date.now() + env.RATE_LIMIT_LEASE_MS, verdict, renewing: false });
    else limiters.leases.delete(checks[index]!.blockKey);
  }
  while (limiters.leases.size > 1_000) limiters.leases.delete(limiters.leases.keys().next().value!);
  while (limiters.owed.size > 1_000) limiters.owed.delete(limiters.owed.keys().next().value!);
  return verdicts;
}

function noteUnavailable(env: EdgeEnv, limiters: Limiters, error: unknown): void {
  limiters.retryAfter = Date.now() + BREAKER_MS;
  if (limiters.unavailable) return;
  limiters.unavailable = true;
  log("warn", "rate limiter unavailable", { fail_closed: env.RATE_LIMIT_FAIL_CLOSED, timeout_ms: env.RATE_LIMIT_TIMEOUT_MS, error: error === undefined ? "timed out" : describeError(error) });
}

function noteAvailable(limiters: Limiters): void {
  if (!limiters.unavailable) return;
  limiters.unavailable = false;
  log("info", "rate limiter available again");
}

/** Redis could not answer: let the request through, or refuse it when the deployment fails closed. */
function unavailable(env: EdgeEnv): void {
  if (env.RATE_LIMIT_FAIL_CLOSED) {
    throw new ApiError("DEPENDENCY_UNAVAILABLE", "Rate limiting is unavailable; try again shortly", { headers: { "retry-after": "1" } });
  }
}

function rateLimitHeaders(verdict: Verdict): Record<string, string> {
  return {
    "RateLimit-Limit": String(verdict.limit),
    "RateLimit-Remaining": String(verdict.remaining),
    "RateLimit-Reset": String(secondsUntil(verdict.reset)),
  };
}

function rateLimited(verdict: Verdict): ApiError {
  const retryAfter = Math.max(1, secondsUntil(verdict.reset));
  if (verdict.policy.quota) {
    const resetsAt = new Date(verdict.reset).toISOString();
    const used = verdict.used ?? verdict.limit - verdict.remaining;
    return new ApiError("QUOTA_EXCEEDED", `This workspace's monthly quota (${verdict.policy.quota}) of ${verdict.limit} is used up; it resets at ${resetsAt}`, {
      headers: { "Retry-After": String(retryAfter) },
      details: { quota: verdict.policy.quota, limit: verdict.limit, used, resets_at: resetsAt },
    });
  }
  const subject = verdict.policy.subject === "api_key" ? "API key" : "workspace";
  return new ApiError("RATE_LIMITED", `This ${subject} is limited to ${verdict.limit} requests per ${verdict.policy.windowSeconds} s; retry in ${retryAfter} s`, {
    headers: { "Retry-After": String(retryAfter), ...rateLimitHeaders({ ...verdict, remaining: 0 }) },
  });
}

function secondsUntil(epochMs: number): number {
  return Math.max(0, Math.ceil((epochMs - Date.now()) / 1000));
}

/** Settles with the work's value, its error, or a timeout; the work is never awaited past the deadline. */
async function withinDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<{ ok: true; value: T } | { ok: false; error?: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<{ ok: false }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false }), timeoutMs);
  });
  try {
    return await Promise.race([work.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
