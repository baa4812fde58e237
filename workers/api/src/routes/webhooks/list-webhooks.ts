import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { getWebhook, listWebhooks } from "../../services/webhooks/list-webhooks.ts";
import { webhookIdParam, webhookSchema } from "./schemas.ts";

const listRoute = createRoute({
  method: "get",
  path: "/api/webhooks",
  tags: ["webhooks"],
  summary: "The workspace's webhook endpoints (Admin); never their secrets",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("webhooks.manage")] as const,
  responses: { 200: jsonResponse("Endpoints, oldest first", z.object({ webhooks: z.array(webhookSchema) })), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/webhooks/{webhookId}",
  tags: ["webhooks"],
  summary: "One webhook endpoint (Admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("webhooks.manage")] as const,
  request: { params: webhookIdParam },
  responses: { 200: jsonResponse("The endpoint", webhookSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const listWebhooksRoute = new OpenAPIHono<ApiHono>()
  .openapi(listRoute, async (c) => c.json({ webhooks: await listWebhooks({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id } }) }, 200))
  .openapi(getRoute, async (c) => c.json(await getWebhook({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, webhookId: c.req.valid("param").webhookId } }), 200));
