/** DELETE /api/admin/users/{userId}: delete an account, with the sole-owner check (platform admin). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, explainedErrorResponse, jsonResponse } from "../../openapi/responses.ts";
import { deleteUser } from "../../services/admin/delete-user.ts";
import { userIdParam } from "./schemas.ts";

const route = createRoute({
  method: "delete",
  path: "/api/admin/users/{userId}",
  tags: ["admin"],
  summary: "Delete an account and the workspaces it owns alone; refused while it owns a workspace with other members (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { params: userIdParam },
  responses: {
    200: jsonResponse("Deleted, with the workspaces that went with the account", z.object({ id: z.string(), deleted_workspaces: z.array(z.object({ id: z.string(), name: z.string() })) })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT"),
    ...explainedErrorResponse("CONFLICT", "your own account, or the user is the only owner of workspaces with other members (named in the message and in details.workspaces): transfer ownership first"),
  },
});

export const deleteUserRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await deleteUser({ ctx: c.get("ctx"), input: { actorUserId: c.get("user")!.id, userId: c.req.valid("param").userId } }), 200),
);
