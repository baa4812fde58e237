/** GET /api/audit-log: who changed what in the workspace, with before/after, newest first (S3). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listAuditLog } from "../../services/audit/list-audit-log.ts";

export const MAX_AUDIT_PAGE = 200;

export const auditQuerySchema = z.strictObject({
  action: z.string().min(1).max(100).optional().openapi({ example: "api_key.revoke" }),
  target_type: z.string().min(1).max(100).optional().openapi({ example: "api_key" }),
  target_id: z.string().min(1).max(200).optional(),
  actor_user_id: z.string().min(1).max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: "Inclusive" }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: "Exclusive" }),
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(50),
  cursor: z.string().min(1).max(200).optional().openapi({ description: "next_cursor of the previous page" }),
});

export const auditEntrySchema = z
  .object({
    id: z.string(),
    action: z.string(),
    target_type: z.string(),
    target_id: z.string().nullable(),
    actor_user_id: z.string().nullable(),
    actor: z.object({ id: z.string(), email: z.string(), name: z.string() }).nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    request_id: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("AuditLogEntry");

const route = createRoute({
  method: "get",
  path: "/api/audit-log",
  tags: ["audit"],
  summary: "The workspace's audit log, newest first, with filters and cursor pagination",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("audit.read")] as const,
  request: { query: auditQuerySchema },
  responses: {
    200: jsonResponse("A page of entries; next_cursor is null on the last page", z.object({ entries: z.array(auditEntrySchema), next_cursor: z.string().nullable() })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const listAuditLogRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const page = await listAuditLog({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
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
