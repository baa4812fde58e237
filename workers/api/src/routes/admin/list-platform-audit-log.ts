/** GET /api/admin/audit-log: the platform's own audit log — what platform admins and the make-admin command did (platform admin). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { listAuditLog } from "../../services/audit/list-audit-log.ts";
import { auditEntrySchema, auditQuerySchema } from "../audit-log/list-audit-log.ts";

const route = createRoute({
  method: "get",
  path: "/api/admin/audit-log",
  tags: ["admin"],
  summary: "Platform-level audit entries (users disabled, enabled, deleted, admins made, KV rebuilds, job runs, replays), newest first (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { query: auditQuerySchema },
  responses: {
    200: jsonResponse("A page of entries; next_cursor is null on the last page", z.object({ entries: z.array(auditEntrySchema), next_cursor: z.string().nullable() })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN"),
  },
});

export const listPlatformAuditLogRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const page = await listAuditLog({
    ctx: c.get("ctx"),
    input: {
      workspaceId: null,
      action: query.action,
      targetType: query.target_type,
      targetId: query.target_id,
      actorUserId: query.actor_user_id,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      limit: query.limit,
      cursor: query.cursor,
    },
  });
  return c.json(page, 200);
});
