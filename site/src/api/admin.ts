// The account and admin pages' API: members and invitations, Product API keys, event
// definitions, the audit log, workspace settings and limits, and the Google sign-in hand-off.
// Shapes as the API's zod schemas define them (workers/api/src/routes/**).
import { api, type Query } from "./client";
import type { Member, WorkspaceDetails } from "./prompts";
import type { Environment, Role, Session } from "./types";

export type { Member, WorkspaceDetails };

// Members and invitations (/api/workspaces/{id}/…)

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  invited_by: { id: string; name: string; email: string } | null;
  expires_at: string;
  created_at: string;
}

export interface CreatedInvitation {
  id: string;
  email: string;
  role: Role;
  invite_token: string;
  expires_at: string;
  /** Whether the invitation e-mail was handed to the mail provider; when false, the Admin shares the link. */
  email_sent: boolean;
  /** Why no e-mail was sent (the Admin's own address is not verified yet, or the provider failed); null when it was. */
  email_not_sent_reason: string | null;
}

export interface JoinedWorkspace {
  workspace_id: string;
  name: string;
  role: Role;
}

/** The roles in the order the pages offer them, most powerful first. */
export const ROLES: readonly Role[] = ["admin", "member", "viewer"];
export const ROLE_LABEL: Record<Role, string> = { admin: "Admin", member: "Member", viewer: "Viewer" };
export const ROLE_HINT: Record<Role, string> = {
  admin: "Everything, including members, keys and approvals",
  member: "Edits and publishes prompts, runs the playground",
  viewer: "Reads only",
};

const workspacePath = (workspaceId: string, rest = "") => `/api/workspaces/${encodeURIComponent(workspaceId)}${rest}`;

export const listMembers = (workspaceId: string) => api<{ members: Member[] }>("GET", workspacePath(workspaceId, "/members")).then((answer) => answer.members);
export const changeMemberRole = (workspaceId: string, userId: string, role: Role) =>
  api<{ user_id: string; role: Role }>("PATCH", workspacePath(workspaceId, `/members/${encodeURIComponent(userId)}`), { body: { role } });
export const removeMember = (workspaceId: string, userId: string) => api<void>("DELETE", workspacePath(workspaceId, `/members/${encodeURIComponent(userId)}`));
export const transferOwnership = (workspaceId: string, userId: string) => api<{ id: string; owner_id: string }>("POST", workspacePath(workspaceId, "/transfer"), { body: { user_id: userId } });
export const inviteMember = (workspaceId: string, email: string, role: Role) => api<CreatedInvitation>("POST", workspacePath(workspaceId, "/invite"), { body: { email, role } });
export const listInvitations = (workspaceId: string) => api<{ invitations: Invitation[] }>("GET", workspacePath(workspaceId, "/invitations")).then((answer) => answer.invitations);
/** A new link for a pending invitation, e-mailed again (the earlier links stop working); limited, 429 past it. */
export const resendInvitation = (workspaceId: string, invitationId: string) =>
  api<CreatedInvitation>("POST", workspacePath(workspaceId, `/invitations/${encodeURIComponent(invitationId)}/resend`));
export const revokeInvitation = (workspaceId: string, invitationId: string) => api<void>("DELETE", workspacePath(workspaceId, `/invitations/${encodeURIComponent(invitationId)}`));
export const acceptInvitation = (token: string) => api<JoinedWorkspace>("POST", "/api/workspaces/invitations/accept", { body: { invite_token: token }, workspaceId: null });

/** The link an invitee opens: this site's /invitations/<token>. */
export const invitationLink = (token: string) => `${location.origin}/invitations/${encodeURIComponent(token)}`;

// Workspace settings and limits

export const getWorkspace = (workspaceId: string) => api<WorkspaceDetails>("GET", workspacePath(workspaceId));
export const updateWorkspace = (workspaceId: string, changes: { name?: string; require_production_approval?: boolean }) =>
  api<WorkspaceDetails>("PATCH", workspacePath(workspaceId), { body: changes });

export type LimitName =
  | "api_key_requests_per_minute"
  | "workspace_requests_per_minute"
  | "workspace_requests_per_month"
  | "workspace_events_per_month"
  | "llm_requests_per_day"
  | "llm_cost_micros_per_month"
  | "prompts_per_workspace"
  | "members_per_workspace"
  | "workspaces_per_user"
  | "api_key_events_per_minute"
  | "workspace_events_per_minute";

/** A limit in force (E3): where it comes from (key → workspace → global → built-in) and this period's usage. */
export interface WorkspaceLimit {
  name: LimitName;
  value: number | null;
  source: "key" | "workspace" | "global" | "default";
  unit: "requests" | "usd_micros" | "prompts" | "members" | "workspaces";
  window_seconds?: number;
  description: string;
  inherited: { value: number | null; source: "global" | "default" };
  usage?: { used: number | null; period_start: string; resets_at: string };
}

export const listLimits = (workspaceId: string) => api<{ limits: WorkspaceLimit[] }>("GET", workspacePath(workspaceId, "/limits")).then((answer) => answer.limits);

// Product API keys (/api/product-api-keys)

export type ApiKeyScope = "prompts:read" | "events:write";
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ["prompts:read", "events:write"];
export const SCOPE_HINT: Record<ApiKeyScope, string> = {
  "prompts:read": "Fetch rendered prompts with get-prompt",
  "events:write": "Send business events",
};

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  environment: Environment | null;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  /** The key's own rate limit; null: the workspace's applies. */
  rate_limit: KeyRateLimit | null;
  created_by_id: string | null;
  created_at: string;
}

export interface KeyRateLimit {
  requests: number;
  window_seconds: number;
}

export interface CreatedApiKey {
  id: string;
  key: string;
  prefix: string;
  name: string;
  scopes: ApiKeyScope[];
  environment: Environment | null;
  expires_at: string | null;
  rate_limit: KeyRateLimit | null;
  created_at: string;
}

export const listApiKeys = () => api<{ api_keys: ApiKey[] }>("GET", "/api/product-api-keys").then((answer) => answer.api_keys);
export const createApiKey = (input: { name: string; scopes: ApiKeyScope[]; environment: Environment | null; expires_at: string | null; rate_limit?: KeyRateLimit | null }) =>
  api<CreatedApiKey>("POST", "/api/product-api-keys", { body: input });
export const updateApiKey = (keyId: string, changes: { name?: string; rate_limit?: KeyRateLimit | null }) =>
  api<ApiKey>("PATCH", `/api/product-api-keys/${encodeURIComponent(keyId)}`, { body: changes });
export const revokeApiKey = (keyId: string) => api<void>("DELETE", `/api/product-api-keys/${encodeURIComponent(keyId)}`);

/** One Product API request made with a key (GET /api/product-api-keys/{id}/requests). */
export interface ApiRequestLogEntry {
  id: string;
  key_prefix: string;
  method: string;
  route: string;
  slug: string | null;
  status: number;
  latency_ms: number;
  error_code: string | null;
  source: "sdk" | "http";
  client: string;
  user_agent: string | null;
  trace_id: string | null;
  request_id: string;
  received_at: string;
}

export interface RequestLogFilters {
  /** An exact status ("429") or a class ("4xx"). */
  status?: string;
  route?: string;
  slug?: string;
  trace_id?: string;
  error_code?: string;
  source?: "sdk" | "http";
  from?: string;
  to?: string;
}

export const listApiKeyRequests = (keyId: string, filters: RequestLogFilters, cursor: string | null, limit = 50) =>
  api<{ requests: ApiRequestLogEntry[]; next_cursor: string | null; retention_days: number }>("GET", `/api/product-api-keys/${encodeURIComponent(keyId)}/requests`, {
    query: { ...filters, cursor, limit } as Query,
  });

// Event definitions (/api/event-definitions)

export type EventFieldType = "string" | "number" | "boolean";
export const EVENT_FIELD_TYPES: readonly EventFieldType[] = ["string", "number", "boolean"];

export interface EventField {
  name: string;
  type: EventFieldType;
}

export interface EventDefinition {
  id: string;
  event_name: string;
  category: string;
  description: string | null;
  required_fields: EventField[];
  optional_fields: EventField[];
  created_at: string;
  updated_at: string;
}

export interface EventDefinitionInput {
  event_name: string;
  category: string;
  description: string | null;
  required_fields: EventField[];
  optional_fields: EventField[];
}

export const listEventDefinitions = () => api<{ event_definitions: EventDefinition[] }>("GET", "/api/event-definitions").then((answer) => answer.event_definitions);
export const createEventDefinition = (input: EventDefinitionInput) => api<EventDefinition>("POST", "/api/event-definitions", { body: input });
export const updateEventDefinition = (id: string, input: Partial<EventDefinitionInput>) => api<EventDefinition>("PATCH", `/api/event-definitions/${encodeURIComponent(id)}`, { body: input });
export const deleteEventDefinition = (id: string) => api<void>("DELETE", `/api/event-definitions/${encodeURIComponent(id)}`);

// Audit log (/api/audit-log)

export interface AuditEntry {
  id: string;
  action: string;
  target_type: string;
  target_id: string | null;
  actor_user_id: string | null;
  actor: { id: string; email: string; name: string } | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
  created_at: string;
}

export interface AuditFilters {
  action?: string;
  target_type?: string;
  target_id?: string;
  actor_user_id?: string;
  /** ISO timestamps: from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

export const listAuditLog = (filters: AuditFilters, cursor: string | null, limit = 50) =>
  api<{ entries: AuditEntry[]; next_cursor: string | null }>("GET", "/api/audit-log", { query: { ...filters, cursor, limit } as Query });

// Sign-in methods and the Google hand-off (/api/auth/…)

export const signInProviders = () => api<{ password: true; google: boolean }>("GET", "/api/auth/providers", { anonymous: true });
export const exchangeGoogleCode = (code: string, codeVerifier: string) =>
  api<Session & { redirect_to: string }>("POST", "/api/auth/google/exchange", { body: { code, code_verifier: codeVerifier }, anonymous: true });

/** DELETE /api/workspaces/{id}: the workspace goes at once, its rows in the background. */
export interface DeletedWorkspace {
  id: string;
  name: string;
  deleted_at: string;
  purge_queued: boolean;
}
export const deleteWorkspace = (workspaceId: string, confirmName: string) =>
  api<DeletedWorkspace>("DELETE", workspacePath(workspaceId), { body: { confirm_name: confirmName } });
