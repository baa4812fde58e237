/** GET /api/admin/workspaces and /api/admin/workspaces/{workspaceId}: every workspace, and one with its members and usage (platform admin). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { getWorkspaceOverview } from "../../services/admin/get-workspace-overview.ts";
import { listWorkspaces } from "../../services/admin/list-workspaces.ts";
import { workspaceIdParam } from "../workspaces/schemas.ts";
import { adminWorkspaceSchema, pageQuery, searchQuery, usageTotalsSchema } from "./schemas.ts";

const list = createRoute({
  method: "get",
  path: "/api/admin/workspaces",
  tags: ["admin"],
  summary: "Workspaces, newest first, searched by name, id or owner's e-mail (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { query: z.strictObject({ q: searchQuery.openapi({ description: "Part of the name or owner's e-mail, any case, or a workspace id" }), ...pageQuery }) },
  responses: {
    200: jsonResponse("A page of workspaces; next_cursor is null on the last page", z.object({ workspaces: z.array(adminWorkspaceSchema), next_cursor: z.string().nullable() })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN"),
  },
});

const memberSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "member", "viewer"]),
  is_owner: z.boolean(),
  joined_at: z.string(),
  disabled_at: z.string().nullable(),
});

const detail = createRoute({
  method: "get",
  path: "/api/admin/workspaces/{workspaceId}",
  tags: ["admin"],
  summary: "A workspace with its members, counts and usage this UTC month (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { params: workspaceIdParam },
  responses: {
    200: jsonResponse(
      "The workspace",
      adminWorkspaceSchema
        .omit({ member_count: true })
        .extend({ prompt_count: z.number().int(), api_key_count: z.number().int(), members: z.array(memberSchema), usage_this_month: usageTotalsSchema })
        .openapi("AdminWorkspaceDetail"),
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const adminWorkspaceRoutes = new OpenAPIHono<ApiHono>()
  .openapi(list, async (c) => {
    const query = c.req.valid("query");
    return c.json(await listWorkspaces({ ctx: c.get("ctx"), input: { query: query.q, limit: query.limit, cursor: query.cursor } }), 200);
  })
  .openapi(detail, async (c) => c.json(await getWorkspaceOverview({ ctx: c.get("ctx"), input: { workspaceId: c.req.valid("param").workspaceId } }), 200));
