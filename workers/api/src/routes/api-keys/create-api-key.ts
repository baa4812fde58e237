import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { apiKeyScopes } from "@xr2/db/schema";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { createApiKey } from "../../services/api-keys/create-api-key.ts";
import { apiKeyScopeSchema, createdApiKeySchema, environmentSchema, rateLimitSchema } from "./schemas.ts";

/** Keys for longer than this should be rotated rather than minted for ever. */
const MAX_KEY_LIFETIME_MS = 10 * 366 * 24 * 60 * 60 * 1000;

const bodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(apiKeyScopeSchema)
    .min(1)
    .max(apiKeyScopes.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, "scopes must not repeat")
    .optional()
    .openapi({ description: "Defaults to every scope" }),
  environment: environmentSchema.nullable().optional().openapi({ description: "Restricts the key to one environment; null or absent: any" }),
  expires_at: z.iso
    .datetime({ offset: true })
    .refine((value) => Date.parse(value) > Date.now(), "expires_at must be in the future")
    .refine((value) => Date.parse(value) <= Date.now() + MAX_KEY_LIFETIME_MS, "expires_at must be within ten years")
    .nullable()
    .optional(),
  rate_limit: rateLimitSchema.nullable().optional().openapi({ description: "The key's own rate limit; null or absent: the workspace's" }),
});

const route = createRoute({
  method: "post",
  path: "/api/product-api-keys",
  tags: ["api-keys"],
  summary: "Create a Product API key (Admin); the key is shown only in this answer",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("api_keys.manage")] as const,
  request: { body: jsonBody(bodySchema) },
  responses: { 201: jsonResponse("The new key, with the key itself", createdApiKeySchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const createApiKeyRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const created = await createApiKey({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      actorUserId: c.get("user")!.id,
      name: body.name,
      scopes: body.scopes ?? [...apiKeyScopes],
      environment: body.environment ?? null,
      expiresAt: body.expires_at ? new Date(body.expires_at) : null,
      rateLimit: body.rate_limit ?? null,
    },
  });
  return c.json(created, 201);
});
