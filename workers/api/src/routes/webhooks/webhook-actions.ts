/** An endpoint's secret rotation, delivery log, test event and redelivery (Admin). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listDeliveries } from "../../services/webhooks/list-deliveries.ts";
import { redeliver } from "../../services/webhooks/redeliver.ts";
import { rotateWebhookSecret } from "../../services/webhooks/rotate-webhook-secret.ts";
import { sendTestEvent } from "../../services/webhooks/send-test-event.ts";
import { deliveryIdParam, deliverySchema, queuedDeliverySchema, webhookIdParam, webhookWithSecretSchema } from "./schemas.ts";

export const MAX_DELIVERIES_PAGE = 100;

const rotateRoute = createRoute({
  method: "post",
  path: "/api/webhooks/{webhookId}/rotate-secret",
  tags: ["webhooks"],
  summary: "A new signing secret (Admin), shown only in this answer; the previous one also signs deliveries for 24 hours",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("webhooks.manage")] as const,
  request: { params: webhookIdParam },
  responses: { 200: jsonResponse("The endpoint, with its new secret", webhookWithSecretSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

const deliveriesRoute = createRoute({
  method: "get",
  path: "/api/webhooks/{webhookId}/deliveries",
  tags: ["webhooks"],
  summary: "The endpoint's delivery log (Admin), newest first, each delivery with every attempt",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("webhooks.manage")] as const,
  request: {
    params: webhookIdParam,
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(MAX_DELIVERIES_PAGE).default(20),
      cursor: z.string().min(1).max(300).optional().openapi({ description: "next_cursor of the previous page" }),
    }),
  },
  responses: {
    200: jsonResponse("A page of deliveries; next_cursor is null on the last page", z.object({ deliveries: z.array(deliverySchema), next_cursor: z.string().nullable() })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

const testRoute = createRoute({
  method: "post",
  path: "/api/webhooks/{webhookId}/test",
  tags: ["webhooks"],
  summary: "Send a webhook.test event to this endpoint (Admin), through the same signing, queue and retries as real events",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("webhooks.manage")] as const,
  request: { params: webhookIdParam },
  responses: { 202: jsonResponse("The test delivery", queuedDeliverySchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

const redeliverRoute = createRoute({
  method: "post",
  path: "/api/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
  tags: ["webhooks"],
  summary: "Send a delivery's event to the endpoint again, as a new delivery (Admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("webhooks.manage")] as const,
  request: { params: deliveryIdParam },
  responses: { 202: jsonResponse("The new delivery", queuedDeliverySchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const webhookActionRoutes = new OpenAPIHono<ApiHono>()
  .openapi(rotateRoute, async (c) =>
    c.json(await rotateWebhookSecret({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, webhookId: c.req.valid("param").webhookId } }), 200),
  )
  .openapi(deliveriesRoute, async (c) => {
    const query = c.req.valid("query");
    return c.json(await listDeliveries({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, webhookId: c.req.valid("param").webhookId, limit: query.limit, cursor: query.cursor } }), 200);
  })
  .openapi(testRoute, async (c) =>
    c.json(await sendTestEvent({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, webhookId: c.req.valid("param").webhookId } }), 202),
  )
  .openapi(redeliverRoute, async (c) => {
    const params = c.req.valid("param");
    return c.json(await redeliver({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, webhookId: params.webhookId, deliveryId: params.deliveryId } }), 202);
  });
