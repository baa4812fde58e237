import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { deleteWebhook } from "../../services/webhooks/delete-webhook.ts";
import { updateWebhook } from "../../services/webhooks/update-webhook.ts";
import { webhookDescriptionSchema, webhookEventsSchema, webhookIdParam, webhookKindSchema, webhookSchema, webhookUrlSchema } from "./schemas.ts";

const bodySchema = z
  .strictObject({
    url: webhookUrlSchema.optional(),
    events: webhookEventsSchema.optional(),
    kind: webhookKindSchema.optional(),
    description: webhookDescriptionSchema.nullable().optional(),
    active: z.boolean().optional().openapi({ description: "false stops deliveries; true turns a disabled endpoint back on (its failure count reset)" }),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), "send at least one of url, events, kind, description, active");

const updateRoute = createRoute({
  method: "patch",
  path: "/api/webhooks/{webhookId}",
  tags: ["webhooks"],
  summary: "Change a webhook endpoint, or turn it off and on (Admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("webhooks.manage")] as const,
  request: { params: webhookIdParam, body: jsonBody(bodySchema) },
  responses: { 200: jsonResponse("The endpoint after the change", webhookSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/api/webhooks/{webhookId}",
  tags: ["webhooks"],
  summary: "Delete a webhook endpoint and its delivery log (Admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("webhooks.manage")] as const,
  request: { params: webhookIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const updateWebhookRoute = new OpenAPIHono<ApiHono>()
  .openapi(updateRoute, async (c) => {
    const body = c.req.valid("json");
    const updated = await updateWebhook({
      ctx: c.get("ctx"),
      input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, webhookId: c.req.valid("param").webhookId, ...body },
    });
    return c.json(updated, 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteWebhook({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, webhookId: c.req.valid("param").webhookId } });
    return c.body(null, 204);
  });
