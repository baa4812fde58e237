import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { testProviderKey } from "../../services/llm/test-provider-key.ts";
import { apiKeySchema, providerSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/llm/test-key",
  tags: ["llm"],
  summary: "Check a key with the provider (the key in the body, else the one runs would use: yours, then the workspace's)",
  description: "A key the provider refuses answers 422 PROVIDER_REJECTED naming the provider's answer, e.g. \"OpenAI rejected the key (401 invalid_api_key: …)\".",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("llm.run")] as const,
  request: { body: jsonBody(z.strictObject({ provider: providerSchema, api_key: apiKeySchema.optional() })) },
  responses: {
    200: jsonResponse(
      "The provider accepts the key",
      z.object({ provider: providerSchema, valid: z.literal(true), key_source: z.enum(["request", "user", "workspace"]), key_suffix: z.string() }),
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "PROVIDER_REJECTED", "PROVIDER_FAILED", "PROVIDER_TIMEOUT"),
  },
});

export const testKeyRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  return c.json(await testProviderKey({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, userId: c.get("user")!.id, provider: body.provider, apiKey: body.api_key } }), 200);
});
