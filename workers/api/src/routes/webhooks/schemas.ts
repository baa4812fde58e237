/** The public shapes of /api/webhooks (S7, issue #18). */
import { z } from "@hono/zod-openapi";
import { webhookKindEnum } from "@xr2/db/schema";
import { WEBHOOK_EVENT_TYPES } from "@xr2/shared";
import { WEBHOOK_URL_MAX_LENGTH } from "../../services/webhooks/outbound-url.ts";

export const webhookKindSchema = z.enum(webhookKindEnum.enumValues).openapi({ description: '"standard": a signed JSON body (Standard Webhooks); "slack": a Slack incoming-webhook URL, sent a readable message' });
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1)
  .max(WEBHOOK_URL_MAX_LENGTH)
  .openapi({ description: "https, on a public address (private, loopback, link-local and metadata addresses are refused)", example: "https://hooks.example.com/xr2" });
export const webhookEventsSchema = z
  .array(webhookEventTypeSchema)
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((events) => new Set(events).size === events.length, "events must not repeat");
export const webhookDescriptionSchema = z.string().trim().max(500);

export const webhookIdParam = z.object({ webhookId: z.string().max(64).openapi({ param: { name: "webhookId", in: "path" }, example: "wh_01j…" }) });
export const deliveryIdParam = webhookIdParam.extend({ deliveryId: z.string().max(64).openapi({ param: { name: "deliveryId", in: "path" }, example: "whd_01j…" }) });

export const webhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    kind: webhookKindSchema,
    description: z.string().nullable(),
    events: z.array(z.string()),
    active: z.boolean(),
    consecutive_failures: z.number().int().openapi({ description: "Deliveries failed in a row (each after its retries); reset by a success" }),
    disabled_reason: z.string().nullable().openapi({ description: "Set when xR2 disabled the endpoint for failing" }),
    disabled_at: z.string().nullable(),
    previous_secret_expires_at: z.string().nullable().openapi({ description: "Until then, deliveries are signed with the previous secret too (after a rotation)" }),
    created_by_id: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Webhook");

export const webhookWithSecretSchema = webhookSchema
  .extend({ secret: z.string().openapi({ description: "The signing secret. Shown only in this answer: store it now", example: "whsec_…" }) })
  .openapi("WebhookWithSecret");

export const deliveryAttemptSchema = z
  .object({
    id: z.string(),
    succeeded: z.boolean(),
    response_status: z.number().int().nullable(),
    latency_ms: z.number().int(),
    response_excerpt: z.string().nullable().openapi({ description: "At most 1 KB of the answer's body" }),
    error: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("WebhookDeliveryAttempt");

export const deliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string().nullable().openapi({ description: "The webhook-id header: the same on every attempt and redelivery of the event" }),
    event: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.number().int(),
    response_status: z.number().int().nullable(),
    last_error: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    delivered_at: z.string().nullable(),
    created_at: z.string(),
    payload: z.record(z.string(), z.unknown()),
    attempt_log: z.array(deliveryAttemptSchema),
  })
  .openapi("WebhookDelivery");

export const queuedDeliverySchema = z
  .object({
    delivery_id: z.string(),
    event_id: z.string().optional(),
    queued: z.boolean().openapi({ description: "Whether QStash took it now; if not, the scheduled sweep sends it" }),
  })
  .openapi("QueuedWebhookDelivery");
