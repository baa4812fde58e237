import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { revokeAccessToken } from "../../services/access-tokens/revoke-access-token.ts";
import { tokenIdParam } from "./schemas.ts";

const route = createRoute({
  method: "delete",
  path: "/api/access-tokens/{tokenId}",
  tags: ["access-tokens"],
  summary: "Revoke an access token: your own, or any member's as an Admin. Its next request answers 401; revoking a revoked token is a no-op",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("access_tokens.own")] as const,
  request: { params: tokenIdParam },
  responses: { 204: { description: "Revoked" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const revokeAccessTokenRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const workspace = c.get("workspace")!;
  await revokeAccessToken({ ctx: c.get("ctx"), input: { workspaceId: workspace.id, actorUserId: c.get("user")!.id, role: workspace.role, tokenId: c.req.valid("param").tokenId } });
  return c.body(null, 204);
});
