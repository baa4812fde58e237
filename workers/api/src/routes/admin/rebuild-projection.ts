/**
 * POST /api/admin/kv/rebuild (platform admin: every workspace) and
 * POST /api/workspaces/{workspaceId}/kv/rebuild (workspace Admin: that workspace).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { recordAudit } from "../../services/audit/record-audit.ts";
import { rebuildProjection } from "../../services/projection/rebuild-projection.ts";
import type { ServiceContext } from "../../context.ts";
import { workspaceIdParam } from "../workspaces/schemas.ts";

const reportSchema = z
  .object({ workspaces: z.number(), prompts_written: z.number(), prompt_entries_deleted: z.number(), api_keys_written: z.number(), api_keys_deleted: z.number() })
  .openapi("RebuildReport");

const everything = createRoute({
  method: "post",
  path: "/api/admin/kv/rebuild",
  tags: ["admin"],
  summary: "Rebuild the edge's KV projection of every workspace from Postgres (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  responses: { 200: jsonResponse("What was written and deleted", reportSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN") },
});

const oneWorkspace = createRoute({
  method: "post",
  path: "/api/workspaces/{workspaceId}/kv/rebuild",
  tags: ["workspaces"],
  summary: "Rebuild the edge's KV projection of this workspace from Postgres (Admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("workspace.update")] as const,
  request: { params: workspaceIdParam },
  responses: { 200: jsonResponse("What was written and deleted", reportSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

/** Rebuilds, then records who did it and what it changed (a platform-level row when it covered every workspace). */
async function rebuildAndAudit(ctx: ServiceContext, actorUserId: string, workspaceId: string | null) {
  const report = await rebuildProjection({ ctx, input: { workspaceId: workspaceId ?? undefined } });
  await ctx.db().transaction((tx) => recordAudit(tx, ctx, { workspaceId, actorUserId, action: "kv.rebuild", targetType: "kv_projection", targetId: workspaceId, after: { ...report } }));
  return report;
}

export const rebuildProjectionRoutes = new OpenAPIHono<ApiHono>()
  .openapi(everything, async (c) => c.json(await rebuildAndAudit(c.get("ctx"), c.get("user")!.id, null), 200))
  .openapi(oneWorkspace, async (c) => c.json(await rebuildAndAudit(c.get("ctx"), c.get("user")!.id, c.get("workspace")!.id), 200));
