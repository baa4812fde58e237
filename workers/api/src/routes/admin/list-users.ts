/** GET /api/admin/users: every account, searched by e-mail or name (platform admin). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { listUsers } from "../../services/admin/list-users.ts";
import { adminUserSchema, pageQuery, searchQuery } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/admin/users",
  tags: ["admin"],
  summary: "Users, newest first, searched by e-mail or name (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: {
    query: z.strictObject({
      q: searchQuery.openapi({ description: "Part of the e-mail address or name, any case" }),
      status: z.enum(["all", "active", "disabled"]).default("all"),
      ...pageQuery,
    }),
  },
  responses: {
    200: jsonResponse(
      "A page of users; next_cursor is null on the last page",
      z.object({ users: z.array(adminUserSchema.extend({ workspace_count: z.number().int(), owned_workspace_count: z.number().int() })), next_cursor: z.string().nullable() }),
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN"),
  },
});

export const listUsersRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  return c.json(await listUsers({ ctx: c.get("ctx"), input: { query: query.q, status: query.status, limit: query.limit, cursor: query.cursor } }), 200);
});
