/**
 * The workspace a call acts in: the `{workspaceId}` path parameter, else the `X-Workspace-Id`
 * header. The caller must be a member; for anyone else the workspace does not exist (404), so
 * ids of other tenants cannot be probed. Runs after `authenticate`.
 */
import { createMiddleware } from "hono/factory";
import { and, eq } from "drizzle-orm";
import { workspaceMembers } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../app.ts";

const WORKSPACE_ID = /^ws_[0-9a-z]{26}$/;

export const workspaceAccess = createMiddleware<ApiHono>(async (c, next) => {
  const workspaceId = c.req.param("workspaceId") ?? c.req.header("x-workspace-id");
  if (!workspaceId) throw new ApiError("VALIDATION_FAILED", "Choose a workspace with the X-Workspace-Id header");
  const user = c.get("user");
  if (!user) throw new ApiError("INTERNAL", "workspaceAccess needs authenticate before it");
  if (!WORKSPACE_ID.test(workspaceId)) throw new ApiError("NOT_FOUND", "Workspace not found");
  const [membership] = await c
    .get("ctx")
    .http()
    .select({ role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, user.id)))
    .limit(1);
  if (!membership) throw new ApiError("NOT_FOUND", "Workspace not found");
  c.set("workspace", { id: workspaceId, role: membership.role });
  c.set("workspaceId", workspaceId);
  await next();
});
