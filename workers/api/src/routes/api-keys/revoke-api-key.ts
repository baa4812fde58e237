import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { revokeApiKey } from "../../services/api-keys/revoke-api-key.ts";
import { keyIdParam } from "./schemas.ts";

const route = createRoute({
  method: "delete",
  path: "/api/product-api-keys/{keyId}",
  tags: ["api-keys"],
  summary: "Revoke an API key (Admin); the edge stops accepting it. Revoking a revoked key is a no-op",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("api_keys.manage")] as const,
  request: { params: keyIdParam },
  responses: { 204: { description: "Revoked" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const revokeApiKeyRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  await revokeApiKey({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, keyId: c.req.valid("param").keyId } });
  return c.body(null, 204);
});
