import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listApiKeys } from "../../services/api-keys/list-api-keys.ts";
import { apiKeySchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/product-api-keys",
  tags: ["api-keys"],
  summary: "The workspace's API keys (Admin): live ones first, then the most recently revoked; never the keys themselves",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("api_keys.manage")] as const,
  responses: { 200: jsonResponse("API keys", z.object({ api_keys: z.array(apiKeySchema) })), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const listApiKeysRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json({ api_keys: await listApiKeys({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id } }) }, 200),
);
