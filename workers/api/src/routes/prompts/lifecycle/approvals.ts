/** Approval requests for production (P4): list them; an Admin approves (deploys) or rejects. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { listApprovals } from "../../../services/prompts/list-approvals.ts";
import { decideApproval } from "../../../services/prompts/request-deployment.ts";
import { noteSchema } from "./schemas.ts";

const statusSchema = z.enum(["pending", "approved", "rejected", "cancelled"]);
const approvalParam = z.object({ approvalId: z.string().max(64).openapi({ param: { name: "approvalId", in: "path" } }) });

const list = createRoute({
  method: "get",
  path: "/api/approvals",
  tags: ["publishing"],
  summary: "Approval requests of the workspace (default: pending), newest first",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read")] as const,
  request: { query: z.object({ status: statusSchema.default("pending"), prompt_id: z.string().max(64).optional() }) },
  responses: {
    200: jsonResponse(
      "Approval requests",
      z.object({
        approvals: z.array(
          z.object({ id: z.string(), prompt_id: z.string(), environment: z.string(), version_id: z.string(), status: statusSchema, requested_by_id: z.string().nullable(), comment: z.string().nullable(), created_at: z.string() }),
        ),
      }),
    ),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

function decide(approve: boolean) {
  return createRoute({
    method: "post",
    path: `/api/approvals/{approvalId}/${approve ? "approve" : "reject"}`,
    tags: ["publishing"],
    summary: approve ? "Approve a request: the version is deployed (Admin)" : "Reject a request (Admin)",
    security: [{ bearer: [] }],
    middleware: [authenticate, workspaceAccess, requirePermission("production.approve")] as const,
    request: { params: approvalParam, body: { required: false, content: { "application/json": { schema: z.strictObject({ note: noteSchema.optional() }) } } } },
    responses: { 200: jsonResponse("The decision", z.object({ status: z.string(), approval_request_id: z.string() }).passthrough()), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
  });
}

export const approvalRoutes = new OpenAPIHono<ApiHono>()
  .openapi(list, async (c) => {
    const query = c.req.valid("query");
    const approvals = await listApprovals({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, status: query.status, promptId: query.prompt_id } });
    return c.json({ approvals }, 200);
  })
  .openapi(decide(true), async (c) => {
    const note = (c.req.valid("json") as { note?: string } | undefined)?.note;
    return c.json(await decideApproval({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, approvalRequestId: c.req.valid("param").approvalId, actorUserId: c.get("user")!.id, approve: true, note } }), 200);
  })
  .openapi(decide(false), async (c) => {
    const note = (c.req.valid("json") as { note?: string } | undefined)?.note;
    return c.json(await decideApproval({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, approvalRequestId: c.req.valid("param").approvalId, actorUserId: c.get("user")!.id, approve: false, note } }), 200);
  });
