import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { createWebhook } from "../../services/webhooks/create-webhook.ts";
import { webhookDescriptionSchema, webhookEventsSchema, webhookKindSchema, webhookUrlSchema, webhookWithSecretSchema } from "./schemas.ts";

const bodySchema = z.strictObject({
  url: webhookUrlSchema,
  events: webhookEventsSchema,
  kind: webhookKindSchema.optional().openapi({ description: 'Default "standard"' }),
  description: webhookDescriptionSchema.nullable().optional(),
});

const route = createRoute({
  method: "post",
  path: "/api/webhooks",
  tags: ["webhooks"],
  summary: "Create a webhook endpoint (Admin); its signing secret is shown only in this answer",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("webhooks.manage")] as const,
  request: { body: jsonBody(bodySchema) },
  responses: { 201: jsonResponse("The new endpoint, with its secret", webhookWithSecretSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const createWebhookRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const created = await createWebhook({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, url: body.url, events: body.events, kind: body.kind ?? "standard", description: body.description ?? null },
  });
  return c.json(created, 201);
});
