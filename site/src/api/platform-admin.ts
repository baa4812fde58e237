// The platform admin console's API (/api/admin/*, S4): users, workspaces, usage across
// workspaces, dead letters, aggregation runs, the KV rebuild, and the limits and quotas
// (GET/PUT /api/admin/limits and /api/admin/workspaces/{id}/limits, per the issue-15 contract).
// Shapes as the API's zod schemas define them (workers/api/src/routes/admin/**). No workspace
// header: these act across workspaces.
import { api, sendRaw } from "./client";
import type { AuditEntry, LimitName, WorkspaceLimit } from "./admin";
import type { Role } from "./types";

const admin = { workspaceId: null } as const;
const id = (value: string) => encodeURIComponent(value);

export interface AdminUser {
  id: string;
  email: string;
  name: string;
  is_platform_admin: boolean;
  email_verified: boolean;
  disabled_at: string | null;
  last_login_at: string | null;
  created_at: string;
  workspace_count: number;
  owned_workspace_count: number;
}

export type UserStatus = "all" | "active" | "disabled";

export const listUsers = (filters: { q?: string; status: UserStatus }, cursor: string | null, limit = 50) =>
  api<{ users: AdminUser[]; next_cursor: string | null }>("GET", "/api/admin/users", { ...admin, query: { q: filters.q, status: filters.status, limit, cursor } });
export const disableUser = (userId: string) => api<Omit<AdminUser, "workspace_count" | "owned_workspace_count">>("POST", `/api/admin/users/${id(userId)}/disable`, admin);
export const enableUser = (userId: string) => api<Omit<AdminUser, "workspace_count" | "owned_workspace_count">>("POST", `/api/admin/users/${id(userId)}/enable`, admin);
export const deleteUser = (userId: string) => api<{ id: string; deleted_workspaces: Array<{ id: string; name: string }> }>("DELETE", `/api/admin/users/${id(userId)}`, admin);

export interface AdminWorkspace {
  id: string;
  name: string;
  owner: { id: string; email: string; name: string };
  member_count: number;
  created_at: string;
}

export interface UsageMetrics {
  requests: number;
  events: number;
  llm_requests: number;
  llm_cost_micros: number;
  reported_cost_micros: number;
}

export interface AdminWorkspaceDetail extends Omit<AdminWorkspace, "member_count"> {
  prompt_count: number;
  api_key_count: number;
  members: Array<{ user_id: string; email: string; name: string; role: Role; is_owner: boolean; joined_at: string; disabled_at: string | null }>;
  usage_this_month: UsageMetrics & { from: string };
}

export const listWorkspaces = (q: string | undefined, cursor: string | null, limit = 50) =>
  api<{ workspaces: AdminWorkspace[]; next_cursor: string | null }>("GET", "/api/admin/workspaces", { ...admin, query: { q, limit, cursor } });
export const getWorkspace = (workspaceId: string) => api<AdminWorkspaceDetail>("GET", `/api/admin/workspaces/${id(workspaceId)}`, admin);

export interface UsageDay extends UsageMetrics {
  day: string;
  workspace_id: string;
  workspace_name: string;
}

export interface PlatformUsage {
  from: string;
  to: string;
  days: UsageDay[];
  workspaces: Array<UsageMetrics & { workspace_id: string; workspace_name: string }>;
}

export interface UsageRange {
  from: string;
  to: string;
  workspace_id?: string | undefined;
}

export const getUsage = (range: UsageRange) => api<PlatformUsage>("GET", "/api/admin/usage", { ...admin, query: { ...range } });
/** The days as the API's CSV (every row, not only what the page shows). */
export const downloadUsageCsv = (range: UsageRange) => sendRaw("GET", "/api/admin/usage", { ...admin, query: { ...range, format: "csv" } }).then((response) => response.blob());

export interface DeadLetter {
  id: string;
  queue: string;
  message_id: string;
  body: unknown;
  attempts: number;
  error: string;
  received_at: string;
  replayed_at: string | null;
}

export const listDeadLetters = (status: "pending" | "replayed" | "all", cursor: string | null, limit = 50) =>
  api<{ dead_letters: DeadLetter[]; next_cursor: string | null }>("GET", "/api/admin/dead-letters", { ...admin, query: { status, limit, cursor } });
export const replayDeadLetter = (deadLetterId: string) => api<DeadLetter>("POST", `/api/admin/dead-letters/${id(deadLetterId)}/replay`, admin);

export interface AggregationRun {
  id: string;
  trigger: "schedule" | "admin";
  actor: { id: string; email: string } | null;
  started_at: string;
  finished_at: string | null;
  status: "running" | "succeeded" | "failed";
  batches: number;
  hours_recomputed: number;
  days_recomputed: number;
  rows_changed: number;
  more: boolean | null;
  error: string | null;
}

export const listAggregationRuns = (cursor: string | null, limit = 50) =>
  api<{ runs: AggregationRun[]; next_cursor: string | null }>("GET", "/api/admin/jobs/aggregation-runs", { ...admin, query: { limit, cursor } });
export const runAggregationNow = () =>
  api<{ batches: number; hours_recomputed: number; days_recomputed: number; rows_changed: number; more: boolean }>("POST", "/api/admin/jobs/aggregate", admin);

export interface RebuildReport {
  workspaces: number;
  prompts_written: number;
  prompt_entries_deleted: number;
  api_keys_written: number;
  api_keys_deleted: number;
}

export const rebuildKv = () => api<RebuildReport>("POST", "/api/admin/kv/rebuild", admin);

// Limits and quotas (S4): GET/PUT /api/admin/limits and /api/admin/workspaces/{id}/limits
// (workers/api/src/routes/admin/limits.ts, shapes in routes/workspaces/limit-schemas.ts). A PUT
// sends `{limits: {name: number | null}}`; null removes the value, and the answer is the list after it.

/** One platform default: the global value if one is set, otherwise the built-in one it would replace. */
export interface GlobalLimit {
  name: LimitName;
  /** null: no limit. */
  value: number | null;
  source: "global" | "default";
  unit: WorkspaceLimit["unit"];
  window_seconds?: number;
  description: string;
  /** The built-in default (null: none), what applies once the global value is removed. */
  built_in: number | null;
}

/** A workspace's limit in force, its source, what it inherits without its own value, and this period's usage. */
export type AdminWorkspaceLimit = WorkspaceLimit;
export type LimitChanges = Partial<Record<LimitName, number | null>>;

export const getGlobalLimits = () => api<{ limits: GlobalLimit[] }>("GET", "/api/admin/limits", admin).then((answer) => answer.limits);
export const setGlobalLimits = (limits: LimitChanges) => api<{ limits: GlobalLimit[] }>("PUT", "/api/admin/limits", { ...admin, body: { limits } }).then((answer) => answer.limits);
export const getWorkspaceLimits = (workspaceId: string) =>
  api<{ workspace_id: string; limits: AdminWorkspaceLimit[] }>("GET", `/api/admin/workspaces/${id(workspaceId)}/limits`, admin).then((answer) => answer.limits);
export const setWorkspaceLimits = (workspaceId: string, limits: LimitChanges) =>
  api<{ workspace_id: string; limits: AdminWorkspaceLimit[] }>("PUT", `/api/admin/workspaces/${id(workspaceId)}/limits`, { ...admin, body: { limits } }).then((answer) => answer.limits);

// The platform's own audit log (workspace_id null): what admins did here.
export const listPlatformAuditLog = (cursor: string | null, limit = 50) =>
  api<{ entries: AuditEntry[]; next_cursor: string | null }>("GET", "/api/admin/audit-log", { ...admin, query: { limit, cursor } });
