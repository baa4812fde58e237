// The account and admin pages' API: members and invitations, Product API keys, event
// definitions, the audit log, workspace settings and limits, and the Google sign-in hand-off.
// Shapes and calls typed by the API's contract (contract.ts, openapi.d.ts).
import { type Answer, call, type Schemas } from "./contract";
import type { Member, WorkspaceDetails } from "./prompts";
import type { Role } from "./types";

export type { Member, WorkspaceDetails };

// Members and invitations (/api/workspaces/{id}/…)

export type Invitation = Schemas["Invitation"];
/** email_sent: whether the invitation e-mail was handed to the mail provider; when false, the Admin shares the link. */
export type CreatedInvitation = Schemas["IssuedInvitation"];
export type JoinedWorkspace = Answer<"post", "/api/workspaces/invitations/accept">;

/** The roles in the order the pages offer them, most powerful first. */
export const ROLES: readonly Role[] = ["admin", "member", "viewer"];
export const ROLE_LABEL: Record<Role, string> = { admin: "Admin", member: "Member", viewer: "Viewer" };
export const ROLE_HINT: Record<Role, string> = {
  admin: "Everything, including members, keys and approvals",
  member: "Edits and publishes prompts, runs the playground",
  viewer: "Reads only",
};

export const listMembers = (workspaceId: string) => call("get", "/api/workspaces/{workspaceId}/members", { params: { workspaceId } }).then((answer) => answer.members);
export const changeMemberRole = (workspaceId: string, userId: string, role: Role) =>
  call("patch", "/api/workspaces/{workspaceId}/members/{userId}", { params: { workspaceId, userId }, body: { role } });
export const removeMember = (workspaceId: string, userId: string) => call("delete", "/api/workspaces/{workspaceId}/members/{userId}", { params: { workspaceId, userId } });
export const transferOwnership = (workspaceId: string, userId: string) => call("post", "/api/workspaces/{workspaceId}/transfer", { params: { workspaceId }, body: { user_id: userId } });
export const inviteMember = (workspaceId: string, email: string, role: Role) => call("post", "/api/workspaces/{workspaceId}/invite", { params: { workspaceId }, body: { email, role } });
export const listInvitations = (workspaceId: string) => call("get", "/api/workspaces/{workspaceId}/invitations", { params: { workspaceId } }).then((answer) => answer.invitations);
/** A new link for a pending invitation, e-mailed again (the earlier links stop working); limited, 429 past it. */
export const resendInvitation = (workspaceId: string, invitationId: string) =>
  call("post", "/api/workspaces/{workspaceId}/invitations/{invitationId}/resend", { params: { workspaceId, invitationId } });
export const revokeInvitation = (workspaceId: string, invitationId: string) =>
  call("delete", "/api/workspaces/{workspaceId}/invitations/{invitationId}", { params: { workspaceId, invitationId } });
export const acceptInvitation = (token: string) => call("post", "/api/workspaces/invitations/accept", { body: { invite_token: token }, workspaceId: null });

/** The link an invitee opens: this site's /invitations/<token>. */
export const invitationLink = (token: string) => `${location.origin}/invitations/${encodeURIComponent(token)}`;

// Workspace settings and limits

export const getWorkspace = (workspaceId: string) => call("get", "/api/workspaces/{workspaceId}", { params: { workspaceId } });
export const updateWorkspace = (workspaceId: string, changes: { name?: string; require_production_approval?: boolean }) =>
  call("patch", "/api/workspaces/{workspaceId}", { params: { workspaceId }, body: changes });

export type LimitName = Schemas["LimitName"];

/** A limit in force (E3): where it comes from (key → workspace → global → built-in) and this period's usage. */
export type WorkspaceLimit = Schemas["WorkspaceLimit"];

export const listLimits = (workspaceId: string) => call("get", "/api/workspaces/{workspaceId}/limits", { params: { workspaceId } }).then((answer) => answer.limits);

// Product API keys (/api/product-api-keys)

export type ApiKeyScope = Schemas["ApiKey"]["scopes"][number];
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ["prompts:read", "events:write"];
export const SCOPE_HINT: Record<ApiKeyScope, string> = {
  "prompts:read": "Fetch rendered prompts with get-prompt",
  "events:write": "Send business events",
};

export type ApiKey = Schemas["ApiKey"];
export type KeyRateLimit = Schemas["KeyRateLimit"];
export type CreatedApiKey = Schemas["CreatedApiKey"];

export const listApiKeys = () => call("get", "/api/product-api-keys").then((answer) => answer.api_keys);
export const createApiKey = (input: { name: string; scopes: ApiKeyScope[]; environment: ApiKey["environment"]; expires_at: string | null; rate_limit?: KeyRateLimit | null }) =>
  call("post", "/api/product-api-keys", { body: input });
export const updateApiKey = (keyId: string, changes: { name?: string; rate_limit?: KeyRateLimit | null }) => call("patch", "/api/product-api-keys/{keyId}", { params: { keyId }, body: changes });
export const revokeApiKey = (keyId: string) => call("delete", "/api/product-api-keys/{keyId}", { params: { keyId } });

/** One Product API request made with a key (GET /api/product-api-keys/{id}/requests). */
export type ApiRequestLogEntry = Schemas["ApiRequestLogEntry"];

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
  call("get", "/api/product-api-keys/{keyId}/requests", { params: { keyId }, query: { ...filters, cursor, limit } });

// Event definitions (/api/event-definitions)

export type EventFieldType = Schemas["EventField"]["type"];
export const EVENT_FIELD_TYPES: readonly EventFieldType[] = ["string", "number", "boolean"];

export type EventField = Schemas["EventField"];
export type EventDefinition = Schemas["EventDefinition"];

export interface EventDefinitionInput {
  event_name: string;
  category: string;
  description: string | null;
  required_fields: EventField[];
  optional_fields: EventField[];
}

export const listEventDefinitions = () => call("get", "/api/event-definitions").then((answer) => answer.event_definitions);
export const createEventDefinition = (input: EventDefinitionInput) => call("post", "/api/event-definitions", { body: input });
export const updateEventDefinition = (id: string, input: Partial<EventDefinitionInput>) =>
  call("patch", "/api/event-definitions/{eventDefinitionId}", { params: { eventDefinitionId: id }, body: input });
export const deleteEventDefinition = (id: string) => call("delete", "/api/event-definitions/{eventDefinitionId}", { params: { eventDefinitionId: id } });

// Audit log (/api/audit-log)

export type AuditEntry = Schemas["AuditLogEntry"];

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
  call("get", "/api/audit-log", { query: { ...filters, cursor, limit } });

// Sign-in methods and the Google hand-off (/api/auth/…)

export const signInProviders = () => call("get", "/api/auth/providers", { anonymous: true });
export const exchangeGoogleCode = (code: string, codeVerifier: string) =>
  call("post", "/api/auth/google/exchange", { body: { code, code_verifier: codeVerifier }, anonymous: true });

/** DELETE /api/workspaces/{id}: the workspace goes at once, its rows in the background. */
export type DeletedWorkspace = Schemas["DeletedWorkspace"];
export const deleteWorkspace = (workspaceId: string, confirmName: string) =>
  call("delete", "/api/workspaces/{workspaceId}", { params: { workspaceId }, body: { confirm_name: confirmName } });
