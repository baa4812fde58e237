/**
 * Limits and quotas (E3, S4): the one place that decides which limit is in force. Resolution
 * order, most specific first: the API key's own rate limit (api_keys.rate_limit_*), the
 * workspace's row (workspace_limits, set by a platform admin), the platform's row
 * (global_limits, also a platform admin's), the built-in default (the rate-limit policy table in
 * @xr2/shared, with the deployment's RATE_LIMIT_OVERRIDES; no built-in quota). A workspace row
 * whose value is null exempts the workspace.
 *
 * The edge never reads Postgres: what differs from its built-in policies travels in each key's KV
 * record (`limits`, see project-api-key.ts), re-projected whenever a key's, a workspace's or the
 * global limits change, so a change reaches the edge as fast as a revocation does.
 */
import { and, count, eq, gte, inArray, sql } from "drizzle-orm";
import { globalLimits, limitNameEnum, llmUsage, prompts, workspaceLimits, workspaceMembers, type LimitName } from "@xr2/db/schema";
import { describeError, log, quotaCounterKey, quotaMonth, quotaResetsAt, resolveRateLimitPolicies, type ApiKeyLimits, type QuotaPolicyName, type RateLimitOverrides, type RateLimitPolicyName } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export const LIMIT_NAMES = limitNameEnum.enumValues;
export type LimitSource = "key" | "workspace" | "global" | "default";

interface LimitDefinition {
  unit: "requests" | "usd_micros" | "prompts" | "members" | "workspaces";
  /** Rate limits: the policy whose window (and built-in value) they take. */
  policy?: RateLimitPolicyName;
  /** Per-key rate limits, which a key's own rate_limit overrides. */
  perKey?: boolean;
  /** Counted over a calendar period (UTC). */
  period?: "day" | "month";
  /** Monthly quotas the edge counts. */
  quota?: QuotaPolicyName;
  /** The field of the edge's key record that carries it. */
  edgeField?: keyof ApiKeyLimits;
  description: string;
}

export const LIMIT_DEFINITIONS: Record<LimitName, LimitDefinition> = {
  api_key_requests_per_minute: { unit: "requests", policy: "getPromptPerKey", perKey: true, edgeField: "get_prompt_per_key", description: "get-prompt calls per key per window" },
  workspace_requests_per_minute: { unit: "requests", policy: "getPromptPerWorkspace", edgeField: "get_prompt_per_workspace", description: "get-prompt calls per workspace per window (all keys)" },
  api_key_events_per_minute: { unit: "requests", policy: "eventsPerKey", perKey: true, edgeField: "events_per_key", description: "event requests per key per window (a batch counts once)" },
  workspace_events_per_minute: { unit: "requests", policy: "eventsPerWorkspace", edgeField: "events_per_workspace", description: "event requests per workspace per window (all keys)" },
  workspace_requests_per_month: { unit: "requests", period: "month", quota: "getPromptPerMonth", edgeField: "get_prompt_per_month", description: "get-prompt calls per calendar month (UTC)" },
  workspace_events_per_month: { unit: "requests", period: "month", quota: "eventsPerMonth", edgeField: "events_per_month", description: "event requests per calendar month (UTC; a batch counts once)" },
  llm_requests_per_day: { unit: "requests", period: "day", description: "LLM provider requests per day (UTC)" },
  llm_cost_micros_per_month: { unit: "usd_micros", period: "month", description: "LLM spend per calendar month (UTC), in millionths of a US dollar" },
  prompts_per_workspace: { unit: "prompts", description: "prompts in the workspace" },
  members_per_workspace: { unit: "members", description: "members of the workspace" },
  workspaces_per_user: { unit: "workspaces", description: "workspaces a user may own" },
};

export interface EffectiveLimit {
  name: LimitName;
  /** null: no limit. */
  value: number | null;
  source: LimitSource;
  unit: LimitDefinition["unit"];
  /** Rate limits: the sliding window the value is counted over. */
  window_seconds?: number;
}

export interface LimitRows {
  global: Map<LimitName, number>;
  /** Per workspace: its own rows (null value: exempt). */
  byWorkspace: Map<string, Map<LimitName, number | null>>;
}

export interface KeyRateLimit {
  requests: number;
  windowSeconds: number;
}

/** THE resolution: key → workspace → global → built-in default, for every limit. */
export function resolveLimits(input: { rows: LimitRows; workspaceId: string; key?: KeyRateLimit | null; overrides: RateLimitOverrides }): EffectiveLimit[] {
  const policies = resolveRateLimitPolicies(input.overrides);
  const own = input.rows.byWorkspace.get(input.workspaceId) ?? new Map<LimitName, number | null>();
  return LIMIT_NAMES.map((name): EffectiveLimit => {
    const definition = LIMIT_DEFINITIONS[name];
    const policy = definition.policy ? policies[definition.policy] : undefined;
    const base = { name, unit: definition.unit, ...(policy ? { window_seconds: policy.windowSeconds } : {}) };
    if (definition.perKey && input.key) return { ...base, value: input.key.requests, source: "key", window_seconds: input.key.windowSeconds };
    if (own.has(name)) return { ...base, value: own.get(name) ?? null, source: "workspace" };
    if (input.rows.global.has(name)) return { ...base, value: input.rows.global.get(name)!, source: "global" };
    return { ...base, value: policy ? policy.requests : null, source: "default" };
  });
}

/** What the edge needs of the resolution: only the limits that differ from its built-in policies. */
export function edgeLimits(effective: EffectiveLimit[]): ApiKeyLimits | undefined {
  const limits: ApiKeyLimits = {};
  for (const limit of effective) {
    const field = LIMIT_DEFINITIONS[limit.name].edgeField;
    if (!field || limit.source === "default") continue;
    if (LIMIT_DEFINITIONS[limit.name].quota) (limits as Record<string, number | null>)[field] = limit.value;
    // A rate limit of 0 would refuse everything; the admin API refuses it, the edge reads 1.
    else (limits as Record<string, unknown>)[field] = limit.value === null ? null : { requests: Math.max(1, limit.value), window_seconds: limit.window_seconds! };
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** The global rows and the own rows of `workspaceIds`, in two queries. */
export async function loadLimitRows(ctx: ServiceContext, workspaceIds: string[]): Promise<LimitRows> {
  const db = ctx.http();
  const [own, platform] = await Promise.all([
    workspaceIds.length === 0
      ? Promise.resolve([])
      : db.select({ workspaceId: workspaceLimits.workspaceId, name: workspaceLimits.name, value: workspaceLimits.value }).from(workspaceLimits).where(inArray(workspaceLimits.workspaceId, workspaceIds)),
    db.select({ name: globalLimits.name, value: globalLimits.value }).from(globalLimits),
  ]);
  const byWorkspace = new Map<string, Map<LimitName, number | null>>();
  for (const row of own) {
    let rows = byWorkspace.get(row.workspaceId);
    if (!rows) byWorkspace.set(row.workspaceId, (rows = new Map()));
    rows.set(row.name, row.value);
  }
  return { global: new Map(platform.map((row) => [row.name, row.value])), byWorkspace };
}

export interface LimitUsage {
  /** null when it could not be read (Redis unavailable). */
  used: number | null;
  period_start: string;
  resets_at: string;
}

/** Usage in the current period of every limit that has one (quotas, LLM, counts). */
async function usageOf(ctx: ServiceContext, workspaceId: string, now = new Date()): Promise<Partial<Record<LimitName, LimitUsage>>> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const month = { period_start: monthStart.toISOString(), resets_at: quotaResetsAt(now).toISOString() };
  const db = ctx.http();
  const counters = readQuotaCounters(ctx, workspaceId, quotaMonth(now));
  const [[llmMonth], [llmDay], [promptCount], [memberCount], [getPrompt, events]] = await Promise.all([
    db.select({ micros: sql<number>`coalesce(sum(${llmUsage.costMicros}), 0)::float8` }).from(llmUsage).where(and(eq(llmUsage.workspaceId, workspaceId), gte(llmUsage.createdAt, monthStart))),
    db.select({ n: count() }).from(llmUsage).where(and(eq(llmUsage.workspaceId, workspaceId), gte(llmUsage.createdAt, dayStart))),
    db.select({ n: count() }).from(prompts).where(and(eq(prompts.workspaceId, workspaceId), eq(prompts.status, "active"))),
    db.select({ n: count() }).from(workspaceMembers).where(eq(workspaceMembers.workspaceId, workspaceId)),
    counters,
  ]);
  return {
    workspace_requests_per_month: { used: getPrompt ?? null, ...month },
    workspace_events_per_month: { used: events ?? null, ...month },
    llm_cost_micros_per_month: { used: Math.round(llmMonth?.micros ?? 0), ...month },
    llm_requests_per_day: { used: llmDay?.n ?? 0, period_start: dayStart.toISOString(), resets_at: new Date(dayStart.getTime() + 86_400_000).toISOString() },
    prompts_per_workspace: { used: promptCount?.n ?? 0, period_start: monthStart.toISOString(), resets_at: month.resets_at },
    members_per_workspace: { used: memberCount?.n ?? 0, period_start: monthStart.toISOString(), resets_at: month.resets_at },
  };
}

/** The edge's monthly counters; [null, null] when Redis cannot answer (usage is informative, never a reason to fail). */
async function readQuotaCounters(ctx: ServiceContext, workspaceId: string, month: string): Promise<[number | null, number | null]> {
  try {
    const [getPrompt, events] = await ctx.redis().mget<Array<number | string | null>>(quotaCounterKey("getPromptPerMonth", workspaceId, month), quotaCounterKey("eventsPerMonth", workspaceId, month));
    return [Number(getPrompt ?? 0), Number(events ?? 0)];
  } catch (error) {
    log("warn", "quota usage unavailable", { error: describeError(error) });
    return [null, null];
  }
}

/** The limits in force for a workspace, with usage in the current period, for its members and the platform admin. */
export async function listWorkspaceLimits({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const [rows, usage] = await Promise.all([loadLimitRows(ctx, [input.workspaceId]), usageOf(ctx, input.workspaceId)]);
  const inherited = resolveLimits({ rows: { global: rows.global, byWorkspace: new Map() }, workspaceId: input.workspaceId, overrides: ctx.env.RATE_LIMIT_OVERRIDES });
  return resolveLimits({ rows, workspaceId: input.workspaceId, overrides: ctx.env.RATE_LIMIT_OVERRIDES }).map((limit, index) => ({
    ...limit,
    description: LIMIT_DEFINITIONS[limit.name].description,
    /** What applies without the workspace's own row: the global value or the built-in default. */
    inherited: { value: inherited[index]!.value, source: inherited[index]!.source as "global" | "default" },
    ...(usage[limit.name] ? { usage: usage[limit.name] } : {}),
  }));
}

/** The platform's defaults: the global rows beside the built-in values they replace. */
export async function listGlobalLimits({ ctx }: { ctx: ServiceContext }) {
  const rows = await loadLimitRows(ctx, []);
  const builtIn = resolveLimits({ rows: { global: new Map(), byWorkspace: new Map() }, workspaceId: "", overrides: ctx.env.RATE_LIMIT_OVERRIDES });
  return resolveLimits({ rows, workspaceId: "", overrides: ctx.env.RATE_LIMIT_OVERRIDES }).map((limit, index) => ({
    ...limit,
    source: limit.source as "global" | "default",
    description: LIMIT_DEFINITIONS[limit.name].description,
    built_in: builtIn[index]!.value,
  }));
}
