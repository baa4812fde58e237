/**
 * POST /api/admin/users/{userId}/disable and /enable (platform admin). Disabling ends every
 * session at once: the user's access tokens are refused on their next call and their refresh
 * tokens no longer refresh.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { disableUser } from "../../services/admin/disable-user.ts";
import { enableUser } from "../../services/admin/enable-user.ts";
import { adminUserSchema, userIdParam } from "./schemas.ts";

const disable = createRoute({
  method: "post",
  path: "/api/admin/users/{userId}/disable",
  tags: ["admin"],
  summary: "Disable an account: it cannot sign in, and its sessions and tokens stop working at once (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { params: userIdParam },
  responses: { 200: jsonResponse("The user, disabled", adminUserSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

const enable = createRoute({
  method: "post",
  path: "/api/admin/users/{userId}/enable",
  tags: ["admin"],
  summary: "Enable a disabled account again; the user signs in anew (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { params: userIdParam },
  responses: { 200: jsonResponse("The user, enabled", adminUserSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const userStateRoutes = new OpenAPIHono<ApiHono>()
  .openapi(disable, async (c) => c.json(await disableUser({ ctx: c.get("ctx"), input: { actorUserId: c.get("user")!.id, userId: c.req.valid("param").userId } }), 200))
  .openapi(enable, async (c) => c.json(await enableUser({ ctx: c.get("ctx"), input: { actorUserId: c.get("user")!.id, userId: c.req.valid("param").userId } }), 200));
