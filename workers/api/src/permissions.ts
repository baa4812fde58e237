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
  "limits.manage": ADMINS,
  "audit.read": EDITORS,
  "analytics.read": EVERYONE,
  "event_definitions.manage": EDITORS,
  "experiments.manage": EDITORS,
  /** Provider list and prices, which keys exist, token counts (L1, L3). */
  "llm.read": EVERYONE,
  /** Playground runs, comparisons and key tests: they spend the workspace's LLM money (L2, L4). */
  "llm.run": EDITORS,
  "llm_keys.manage": ADMINS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return PERMISSIONS[permission].includes(role);
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
    await next();
  });
  enforcedPermissions.set(middleware, permission);
  return middleware;
}

/** The permission `handler` enforces when it is a `requirePermission` middleware. */
export function enforcedPermission(handler: object): Permission | undefined {
  return enforcedPermissions.get(handler);
}
