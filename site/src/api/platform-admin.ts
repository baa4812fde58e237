// The platform admin console's API (/api/admin/*, S4): users, workspaces, usage across
// workspaces, dead letters, aggregation runs, the KV rebuild, and the limits and quotas
// (GET/PUT /api/admin/limits and /api/admin/workspaces/{id}/limits, per the issue-15 contract).
// Shapes as the API's zod schemas define them (workers/api/src/routes/admin/**). No workspace
// header: these act across workspaces.
import { call, callRaw, report, type Schemas } from "./contract";
import type { LimitName, WorkspaceLimit } from "./admin";

const admin = { workspaceId: null } as const;

export type AdminUser = Schemas["AdminUser"];

export type UserStatus = "all" | "active" | "disabled";

export const listUsers = (filters: { q?: string; status: UserStatus }, cursor: string | null, limit = 50) =>
  call("get", "/api/admin/users", { ...admin, query: { q: filters.q, status: filters.status, limit, cursor } });
export const disableUser = (userId: string) => call("post", "/api/admin/users/{userId}/disable", { ...admin, params: { userId } });
export const enableUser = (userId: string) => call("post", "/api/admin/users/{userId}/enable", { ...admin, params: { userId } });
export const deleteUser = (userId: string) => call("delete", "/api/admin/users/{userId}", { ...admin, params: { userId } });

export type AdminWorkspace = Schemas["AdminWorkspace"];
export type AdminWorkspaceDetail = Schemas["AdminWorkspaceDetail"];

export const listWorkspaces = (q: string | undefined, cursor: string | null, limit = 50) =>
  call("get", "/api/admin/workspaces", { ...admin, query: { q, limit, cursor } });
export const getWorkspace = (workspaceId: string) => call("get", "/api/admin/workspaces/{workspaceId}", { ...admin, params: { workspaceId } });

export type PlatformUsage = Schemas["PlatformUsage"];
export type UsageDay = Schemas["PlatformUsageDay"];
/** The figures of a day or a workspace. */
export type UsageMetrics = Omit<Schemas["PlatformUsageWorkspace"], "workspace_id" | "workspace_name">;

export interface UsageRange {
  from: string;
  to: string;
  workspace_id?: string | undefined;
}

export const getUsage = (range: UsageRange) => call("get", "/api/admin/usage", { ...admin, query: { ...range } }).then(report);
/** The days as the API's CSV (every row, not only what the page shows). */
export const downloadUsageCsv = (range: UsageRange) => callRaw("get", "/api/admin/usage", { ...admin, query: { ...range, format: "csv" } }).then((response) => response.blob());

export type DeadLetter = Schemas["DeadLetter"];

export const listDeadLetters = (status: "pending" | "replayed" | "all", cursor: string | null, limit = 50) =>
  call("get", "/api/admin/dead-letters", { ...admin, query: { status, limit, cursor } });
export const replayDeadLetter = (deadLetterId: string) => call("post", "/api/admin/dead-letters/{deadLetterId}/replay", { ...admin, params: { deadLetterId } });

export type AggregationRun = Schemas["AggregationRun"];

export const listAggregationRuns = (cursor: string | null, limit = 50) =>
  call("get", "/api/admin/jobs/aggregation-runs", { ...admin, query: { limit, cursor } });
export const runAggregationNow = () => call("post", "/api/admin/jobs/aggregate", admin);

export type RebuildReport = Schemas["RebuildReport"];

export const rebuildKv = () => call("post", "/api/admin/kv/rebuild", admin);

// Limits and quotas (S4): GET/PUT /api/admin/limits and /api/admin/workspaces/{id}/limits
// (workers/api/src/routes/admin/limits.ts, shapes in routes/workspaces/limit-schemas.ts). A PUT
// sends `{limits: {name: number | null}}`; null removes the value, and the answer is the list after it.

/** One platform default: the global value if one is set, otherwise the built-in one (built_in) it would replace. */
export type GlobalLimit = Schemas["GlobalLimit"];

/** A workspace's limit in force, its source, what it inherits without its own value, and this period's usage. */
export type AdminWorkspaceLimit = WorkspaceLimit;
export type LimitChanges = Partial<Record<LimitName, number | null>>;

export const getGlobalLimits = () => call("get", "/api/admin/limits", admin).then((answer) => answer.limits);
export const setGlobalLimits = (limits: LimitChanges) => call("put", "/api/admin/limits", { ...admin, body: { limits } }).then((answer) => answer.limits);
export const getWorkspaceLimits = (workspaceId: string) => call("get", "/api/admin/workspaces/{workspaceId}/limits", { ...admin, params: { workspaceId } }).then((answer) => answer.limits);
export const setWorkspaceLimits = (workspaceId: string, limits: LimitChanges) =>
  call("put", "/api/admin/workspaces/{workspaceId}/limits", { ...admin, params: { workspaceId }, body: { limits } }).then((answer) => answer.limits);

// The platform's own audit log (workspace_id null): what admins did here.
export const listPlatformAuditLog = (cursor: string | null, limit = 50) =>
  call("get", "/api/admin/audit-log", { ...admin, query: { limit, cursor } });
