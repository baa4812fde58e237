/**
 * Who may do what inside a workspace: one table, enforced by one middleware
 * (`requirePermission`), never by checks scattered through handlers.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "./app.ts";

export const ROLES = ["admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const EVERYONE: readonly Role[] = ROLES;
const EDITORS: readonly Role[] = ["admin", "member"];
const ADMINS: readonly Role[] = ["admin"];

export const PERMISSIONS = {
  "workspace.read": EVERYONE,
  "workspace.update": ADMINS,
  "workspace.transfer": ADMINS,
  /** Deleting the workspace and everything in it, after typing its name (issue #15). */
  "workspace.delete": ADMINS,
  "members.read": EVERYONE,
  "members.manage": ADMINS,
  "prompts.read": EVERYONE,
  "prompts.write": EDITORS,
  "prompts.publish": EDITORS,
  "production.approve": ADMINS,
  "api_keys.manage": ADMINS,
  /** Creating, listing and revoking one's own access tokens (issue #16); no scope grants it, so only a signed-in member may. */
  "access_tokens.own": EVERYONE,
  /** Listing and revoking other members' access tokens too. */
  "access_tokens.manage": ADMINS,
  "limits.manage": ADMINS,
  "audit.read": EDITORS,
  "analytics.read": EVERYONE,
  "event_definitions.manage": EDITORS,
  "experiments.manage": EDITORS,
  /** Alert rules, their history and the notifications list (issue #18). */
  "alerts.read": EVERYONE,
  "alerts.manage": EDITORS,
  /** Provider list and prices, which keys exist, token counts (L1, L3). */
  "llm.read": EVERYONE,
  /** Playground runs, comparisons and key tests: they spend the workspace's LLM money (L2, L4). */
  "llm.run": EDITORS,
  "llm_keys.manage": ADMINS,
  /** Webhook and Slack endpoints, their secrets and delivery logs (S7). */
  "webhooks.manage": ADMINS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return PERMISSIONS[permission].includes(role);
}

/**
 * What an access token (prompts as code: CLI, CI, MCP) may be granted. A token acts as the member
 * who created it, within their role, and only through its scopes: a permission no scope lists
 * (members, keys, limits, approving production...) is never a token's.
 */
export const ACCESS_TOKEN_SCOPES = ["prompts:read", "prompts:write", "prompts:publish", "analytics:read"] as const;
export type AccessTokenScope = (typeof ACCESS_TOKEN_SCOPES)[number];

export const SCOPE_PERMISSIONS = {
  "prompts:read": ["workspace.read", "prompts.read"],
  "prompts:write": ["prompts.write"],
  "prompts:publish": ["prompts.publish"],
  "analytics:read": ["analytics.read"],
} as const satisfies Record<AccessTokenScope, readonly Permission[]>;

/** The caller in a workspace: its role, and for an access token the token's scopes (absent for a signed-in user). */
export interface WorkspaceCaller {
  role: Role;
  scopes?: readonly AccessTokenScope[];
}

/** Whether the caller's role grants `permission` and, for an access token, one of its scopes does too. */
export function allows(caller: WorkspaceCaller, permission: Permission): boolean {
  if (!can(caller.role, permission)) return false;
  return caller.scopes === undefined || caller.scopes.some((scope) => (SCOPE_PERMISSIONS[scope] as readonly Permission[]).includes(permission));
}

/** The answer to an access token on a route no scope opens (members, keys, accounts...). */
export const ACCESS_TOKENS_REFUSED = "Access tokens can't be used here; sign in";

function grantedByAScope(permission: Permission): boolean {
  return ACCESS_TOKEN_SCOPES.some((scope) => (SCOPE_PERMISSIONS[scope] as readonly Permission[]).includes(permission));
}

// Which permission each `requirePermission` middleware enforces, so the security suite reads a
// route's permission from the middleware that enforces it instead of keeping a second list.
const enforcedPermissions = new WeakMap<object, Permission>();

/** 403 unless the caller's role in the current workspace grants `permission` (run after `workspaceAccess`). */
export function requirePermission(permission: Permission) {
  const middleware = createMiddleware<ApiHono>(async (c, next) => {
    const workspace = c.get("workspace");
    if (!workspace) throw new ApiError("INTERNAL", "requirePermission needs workspaceAccess before it");
    if (!can(workspace.role, permission)) throw new ApiError("FORBIDDEN", `Your role (${workspace.role}) may not do this (${permission})`);
    if (!allows(workspace, permission)) {
      throw new ApiError("FORBIDDEN", grantedByAScope(permission) ? `This access token's scopes (${workspace.scopes!.join(", ") || "none"}) do not allow this (${permission})` : ACCESS_TOKENS_REFUSED);
    }
    await next();
  });
  enforcedPermissions.set(middleware, permission);
  return middleware;
}

/** The permission `handler` enforces when it is a `requirePermission` middleware. */
export function enforcedPermission(handler: object): Permission | undefined {
  return enforcedPermissions.get(handler);
}
