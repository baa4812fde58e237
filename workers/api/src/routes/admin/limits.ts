/**
 * Limits set by a platform admin (S4): the global defaults (GET/PUT /api/admin/limits) and one
 * workspace's own values (GET/PUT /api/admin/workspaces/{workspaceId}/limits), each shown with
 * what it replaces. Changes reach the edge within its cache TTL (the keys' KV records are
 * written again).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { workspaces } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import type { ServiceContext } from "../../context.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { setGlobalLimits, setWorkspaceLimits, type LimitChanges } from "../../services/limits/set-limits.ts";
import { listGlobalLimits, listWorkspaceLimits } from "../../services/workspaces/list-limits.ts";
import { globalLimitSchema, setLimitsBodySchema, workspaceLimitSchema } from "../workspaces/limit-schemas.ts";

const adminWorkspaceParam = z.object({ workspaceId: z.string().max(64).openapi({ param: { name: "workspaceId", in: "path" }, example: "ws_01j…" }) });
const globalAnswer = z.object({ limits: z.array(globalLimitSchema) });
const workspaceAnswer = z.object({ workspace_id: z.string(), limits: z.array(workspaceLimitSchema) });

const getGlobal = createRoute({
  method: "get",
  path: "/api/admin/limits",
  tags: ["admin"],
  summary: "The platform's default limits and quotas, beside the built-in values (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  responses: { 200: jsonResponse("Global limits", globalAnswer), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN") },
});

const putGlobal = createRoute({
  method: "put",
  path: "/api/admin/limits",
  tags: ["admin"],
  summary: "Set or remove platform default limits and quotas (platform admin); the edge applies them within a second",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { body: jsonBody(setLimitsBodySchema) },
  responses: { 200: jsonResponse("Global limits after the change", globalAnswer), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN") },
});

const getWorkspace = createRoute({
  method: "get",
  path: "/api/admin/workspaces/{workspaceId}/limits",
  tags: ["admin"],
  summary: "A workspace's limits and quotas, where each comes from, and this period's usage (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { params: adminWorkspaceParam },
  responses: { 200: jsonResponse("The workspace's limits", workspaceAnswer), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

const putWorkspace = createRoute({
  method: "put",
  path: "/api/admin/workspaces/{workspaceId}/limits",
  tags: ["admin"],
  summary: "Set or remove a workspace's own limits and quotas (platform admin); the edge applies them within a second",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { params: adminWorkspaceParam, body: jsonBody(setLimitsBodySchema) },
  responses: { 200: jsonResponse("The workspace's limits after the change", workspaceAnswer), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

async function assertWorkspaceExists(ctx: ServiceContext, workspaceId: string): Promise<void> {
  const [workspace] = await ctx.http().select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  if (!workspace) throw new ApiError("NOT_FOUND", "Workspace not found");
}

export const adminLimitRoutes = new OpenAPIHono<ApiHono>()
  .openapi(getGlobal, async (c) => c.json({ limits: await listGlobalLimits({ ctx: c.get("ctx") }) }, 200))
  .openapi(putGlobal, async (c) => {
    const ctx = c.get("ctx");
    await setGlobalLimits({ ctx, input: { actorUserId: c.get("user")!.id, limits: c.req.valid("json").limits as LimitChanges } });
    return c.json({ limits: await listGlobalLimits({ ctx }) }, 200);
  })
  .openapi(getWorkspace, async (c) => {
    const ctx = c.get("ctx");
    const { workspaceId } = c.req.valid("param");
    await assertWorkspaceExists(ctx, workspaceId);
    return c.json({ workspace_id: workspaceId, limits: await listWorkspaceLimits({ ctx, input: { workspaceId } }) }, 200);
  })
  .openapi(putWorkspace, async (c) => {
    const ctx = c.get("ctx");
    const { workspaceId } = c.req.valid("param");
    await setWorkspaceLimits({ ctx, input: { actorUserId: c.get("user")!.id, workspaceId, limits: c.req.valid("json").limits as LimitChanges } });
    return c.json({ workspace_id: workspaceId, limits: await listWorkspaceLimits({ ctx, input: { workspaceId } }) }, 200);
  });
