/** Approval requests for production (P4): list them; an Admin approves (deploys) or rejects. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { listApprovals, MAX_APPROVALS_PAGE } from "../../../services/prompts/list-approvals.ts";
import { decideApproval } from "../../../services/prompts/request-deployment.ts";
import { noteSchema } from "./schemas.ts";

const statusSchema = z.enum(["pending", "approved", "rejected", "cancelled"]);
const approvalParam = z.object({ approvalId: z.string().max(64).openapi({ param: { name: "approvalId", in: "path" } }) });

const list = createRoute({
  method: "get",
  path: "/api/approvals",
  tags: ["publishing"],
  summary: "Approval requests of the workspace (default: pending), newest first, with cursor pagination",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read")] as const,
  request: {
    query: z.object({
      status: statusSchema.default("pending"),
      prompt_id: z.string().max(64).optional(),
      limit: z.coerce.number().int().min(1).max(MAX_APPROVALS_PAGE).default(50),
      cursor: z.string().min(1).max(200).optional().openapi({ description: "next_cursor of the previous page" }),
    }),
  },
  responses: {
    200: jsonResponse(
      "A page of approval requests; next_cursor is null on the last page",
      z.object({
        next_cursor: z.string().nullable(),
        approvals: z.array(
          z.object({
            id: z.string(),
            prompt_id: z.string(),
            environment: z.string(),
            version_id: z.string(),
            status: statusSchema,
            requested_by_id: z.string().nullable(),
            comment: z.string().nullable(),
            created_at: z.string(),
            prompt_name: z.string(),
            prompt_slug: z.string(),
            version_number: z.number().int().openapi({ description: "The number of the version asked for" }),
            requested_by_name: z.string().nullable().openapi({ description: "null when the requester's account is gone" }),
            decided_by_id: z.string().nullable(),
            decided_by_name: z.string().nullable(),
            decided_at: z.string().nullable(),
            deployed_version_id: z.string().nullable().openapi({ description: "The version the environment serves now (null: none); the diff's left side" }),
            deployed_version_number: z.number().int().nullable(),
            snippet_changes: z
              .array(z.object({ slug: z.string(), from_version: z.number().int(), to_version: z.number().int().nullable() }))
              .openapi({ description: "A pending request for the version already served (a snippet's republish): the snippets it would inline anew, from the version inlined now to the one served now (null: nothing served)" }),
          }),
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
    const page = await listApprovals({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, status: query.status, promptId: query.prompt_id, limit: query.limit, cursor: query.cursor } });
    return c.json(page, 200);
  })
  .openapi(decide(true), async (c) => {
    const note = (c.req.valid("json") as { note?: string } | undefined)?.note;
    return c.json(await decideApproval({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, approvalRequestId: c.req.valid("param").approvalId, actorUserId: c.get("user")!.id, approve: true, note } }), 200);
  })
  .openapi(decide(false), async (c) => {
    const note = (c.req.valid("json") as { note?: string } | undefined)?.note;
    return c.json(await decideApproval({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, approvalRequestId: c.req.valid("param").approvalId, actorUserId: c.get("user")!.id, approve: false, note } }), 200);
  });
