/**
 * The one table of rate-limit policies (E3). Every limited operation names its policies here;
 * nothing else in the code base states a limit. Each policy is a sliding window counted in
 * Redis under its own key prefix, for one subject: the calling API key, its workspace, the
 * caller's IP address, the e-mail address tried (always hashed in keys), both together, the
 * signed-in user or an invitation. Sign-in counts failures only
 * (services/auth/throttle-login-attempts.ts); the others count calls.
 *
 * A deployment (or a test) changes limits without a code change through one variable,
 * RATE_LIMIT_OVERRIDES, a JSON object from policy name to `{ requests?, windowSeconds? }`, e.g.
 * `{"getPromptPerKey":{"requests":1200}}`. Key prefixes cannot be overridden: they are what keeps
 * two policies' counters apart.
 */
import * as z from "zod";

export type RateLimitSubject = "api_key" | "workspace" | "email" | "ip" | "ip_and_email" | "user" | "invitation" | "workspace_and_email";

export interface RateLimitPolicy {
  subject: RateLimitSubject;
  requests: number;
  windowSeconds: number;
  keyPrefix: string;
}

export const RATE_LIMIT_POLICIES = {
  // Apps call get-prompt on their own request path, so a limit here must never be what an app
  // meets first under real traffic (Langfuse does not limit prompt fetches at all): 1,000 per
  // second per key, 5,000 per second per workspace. These stop runaway loops and abuse, not
  // customers; a platform admin lowers them per workspace (or globally), an Admin per key.
  // The edge amortises Redis calls with leases, so high limits cost no more Redis than low ones
  // (README, "Limits and quotas").
  getPromptPerKey: { subject: "api_key", requests: 60_000, windowSeconds: 60, keyPrefix: "rl:get-prompt:key" },
  getPromptPerWorkspace: { subject: "workspace", requests: 300_000, windowSeconds: 60, keyPrefix: "rl:get-prompt:workspace" },
  // Events arrive in bursts (a batch of up to 100 counts as one request); the same budget.
  eventsPerKey: { subject: "api_key", requests: 60_000, windowSeconds: 60, keyPrefix: "rl:events:key" },
  eventsPerWorkspace: { subject: "workspace", requests: 300_000, windowSeconds: 60, keyPrefix: "rl:events:workspace" },
  // Password guessing (OWASP: throttle the source, never lock the owner out). Failed sign-ins
  // from one IP for one address, then from one IP for any address (offices share one), refuse
  // that source for the rest of the window; the owner elsewhere is not affected.
  loginFailuresPerIpAndEmail: { subject: "ip_and_email", requests: 10, windowSeconds: 900, keyPrefix: "rl:login-failures:ip-email" },
  loginFailuresPerIp: { subject: "ip", requests: 50, windowSeconds: 900, keyPrefix: "rl:login-failures:ip" },
  // Guessing one address from many IPs: past `requests` failures for it in the window, its
  // attempts are spaced out (loginSpacingPerEmail) instead of the account being locked.
  loginFailuresPerEmail: { subject: "email", requests: 10, windowSeconds: 900, keyPrefix: "rl:login-failures:email" },
  // The spacing: `requests` attempt(s) at the address per interval, whatever their source, others
  // 429 until it ends; the interval is a quarter of `windowSeconds` at the first failure past the
  // free ones and doubles with each further failure up to `windowSeconds` (1 s, 2 s, 4 s, 4 s, …).
  loginSpacingPerEmail: { subject: "email", requests: 1, windowSeconds: 4, keyPrefix: "rl:login-spacing:email" },
  // Mass account creation: a household or office creates a few accounts an hour, a script many.
  signUpPerIp: { subject: "ip", requests: 5, windowSeconds: 3_600, keyPrefix: "rl:sign-up:ip" },
  // Every sign-up attempt, counted before the password estimator runs (it costs tens of ms).
  signUpAttemptsPerIp: { subject: "ip", requests: 30, windowSeconds: 3_600, keyPrefix: "rl:sign-up-attempts:ip" },
  // E-mails sent on request: enough to retry a lost message, too few to flood an inbox.
  // Forgot-password: the IP limits refuse (429); the per-address cap is looser and, once reached,
  // the request is answered the same 202 without an e-mail, so nobody can block another's reset.
  forgotPasswordPerIp: { subject: "ip", requests: 20, windowSeconds: 3_600, keyPrefix: "rl:forgot-password:ip" },
  forgotPasswordPerIpAndEmail: { subject: "ip_and_email", requests: 5, windowSeconds: 3_600, keyPrefix: "rl:forgot-password:ip-email" },
  forgotPasswordPerEmail: { subject: "email", requests: 10, windowSeconds: 3_600, keyPrefix: "rl:forgot-password:email" },
  resendVerificationPerUser: { subject: "user", requests: 3, windowSeconds: 3_600, keyPrefix: "rl:resend-verification:user" },
  resendInvitationPerInvitation: { subject: "invitation", requests: 3, windowSeconds: 3_600, keyPrefix: "rl:resend-invitation:invitation" },
  // Invitation e-mails (invites and resends together): per inviting user, per workspace, and per
  // invited address in a workspace (so re-inviting cannot get around the per-invitation limit).
  invitationEmailsPerUser: { subject: "user", requests: 30, windowSeconds: 3_600, keyPrefix: "rl:invitation-email:user" },
  invitationEmailsPerWorkspace: { subject: "workspace", requests: 30, windowSeconds: 3_600, keyPrefix: "rl:invitation-email:workspace" },
  invitationEmailsPerWorkspaceAndEmail: { subject: "workspace_and_email", requests: 3, windowSeconds: 3_600, keyPrefix: "rl:invitation-email:workspace-email" },
} as const satisfies Record<string, RateLimitPolicy>;

/**
 * Policies for the subject "ip" count an IPv6 client twice: by its /64 under the policy's limit,
 * and by its /48 (a site's 65,536 /64s) under this many times that limit, so one site cannot
 * start afresh with each of its /64s (workers/api/src/services/rate-limit/client-source.ts).
 */
export const IPV6_SITE_LIMIT_FACTOR = 4;

export type RateLimitPolicyName = keyof typeof RATE_LIMIT_POLICIES;

const POLICY_NAMES = Object.keys(RATE_LIMIT_POLICIES) as [RateLimitPolicyName, ...RateLimitPolicyName[]];

const policyOverrideSchema = z.strictObject({
  requests: z.number().int().positive().optional(),
  windowSeconds: z.number().int().positive().max(86_400).optional(),
});

/** Secrets and `.dev.vars` values are strings; a `[vars]` table in wrangler.toml arrives as an object. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value; // the object schema then reports it as "expected record, received string"
  }
}

export const rateLimitOverridesSchema = z.preprocess(parseJsonText, z.partialRecord(z.enum(POLICY_NAMES), policyOverrideSchema));
export type RateLimitOverrides = z.infer<typeof rateLimitOverridesSchema>;

/** The table with a deployment's overrides applied. */
export function resolveRateLimitPolicies(overrides: RateLimitOverrides): Record<RateLimitPolicyName, RateLimitPolicy> {
  const resolved = {} as Record<RateLimitPolicyName, RateLimitPolicy>;
  for (const name of POLICY_NAMES) resolved[name] = { ...RATE_LIMIT_POLICIES[name], ...overrides[name] };
  return resolved;
}

/**
 * Monthly quotas counted at the edge (E3, S4): calls per workspace per calendar month (UTC), one
 * Redis counter per workspace and month under `keyPrefix`, counted in the same pipelined round
 * trip as the rate limits (and on the same leases). There is no built-in quota: the platform
 * admin sets one (global_limits / workspace_limits, `limit`); the edge counts either way, so
 * usage is shown against a quota set later.
 */
export const QUOTA_POLICIES = {
  getPromptPerMonth: { subject: "workspace", limit: "workspace_requests_per_month", keyPrefix: "quota:get-prompt:workspace" },
  eventsPerMonth: { subject: "workspace", limit: "workspace_events_per_month", keyPrefix: "quota:events:workspace" },
} as const;
export type QuotaPolicyName = keyof typeof QUOTA_POLICIES;

/** "2026-12": the calendar month (UTC) a quota counter belongs to. */
export function quotaMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** Start of the next calendar month (UTC): when a monthly quota resets. */
export function quotaResetsAt(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/** The Redis key of a workspace's counter for `month`. */
export function quotaCounterKey(policy: QuotaPolicyName, workspaceId: string, month: string): string {
  return `${QUOTA_POLICIES[policy].keyPrefix}:${workspaceId}:${month}`;
}
