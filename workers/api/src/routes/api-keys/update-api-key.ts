import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { updateApiKey } from "../../services/api-keys/update-api-key.ts";
import { apiKeySchema, keyIdParam, rateLimitSchema } from "./schemas.ts";

const bodySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    rate_limit: rateLimitSchema.nullable().optional().openapi({ description: "The key's own rate limit; null: back to the workspace's" }),
  })
  .refine((body) => body.name !== undefined || body.rate_limit !== undefined, "send name or rate_limit");

const route = createRoute({
  method: "patch",
  path: "/api/product-api-keys/{keyId}",
  tags: ["api-keys"],
  summary: "Rename an API key or change its rate limit (Admin); the edge applies a new limit within a second",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("api_keys.manage")] as const,
  request: { params: keyIdParam, body: jsonBody(bodySchema) },
  responses: { 200: jsonResponse("The key after the change", apiKeySchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const updateApiKeyRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const updated = await updateApiKey({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, keyId: c.req.valid("param").keyId, name: body.name, rateLimit: body.rate_limit },
  });
  return c.json(updated, 200);
});
