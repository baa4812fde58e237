// Webhook and Slack endpoints of the workspace (/api/webhooks, S7 of issue #18), Admins only:
// the endpoints, their signing secret (shown once, at creation and rotation), the delivery log
// with every attempt, a test event and a redelivery.
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@xr2/shared/webhook-events";
import { call, type RequestBody, type Schemas } from "./contract";

export { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES, type WebhookEventType };

export type Webhook = Schemas["Webhook"];
/** With `secret`, the signing secret itself, in this answer only. */
export type WebhookWithSecret = Schemas["WebhookWithSecret"];
export type WebhookKind = Webhook["kind"];
export type WebhookDelivery = Schemas["WebhookDelivery"];
export type WebhookDeliveryAttempt = Schemas["WebhookDeliveryAttempt"];
export type NewWebhook = RequestBody<"post", "/api/webhooks">;
export type WebhookChange = RequestBody<"patch", "/api/webhooks/{webhookId}">;

export const listWebhooks = () => call("get", "/api/webhooks").then((answer) => answer.webhooks);
export const createWebhook = (input: NewWebhook) => call("post", "/api/webhooks", { body: input });
export const updateWebhook = (webhookId: string, change: WebhookChange) => call("patch", "/api/webhooks/{webhookId}", { params: { webhookId }, body: change });
export const deleteWebhook = (webhookId: string) => call("delete", "/api/webhooks/{webhookId}", { params: { webhookId } });
export const rotateWebhookSecret = (webhookId: string) => call("post", "/api/webhooks/{webhookId}/rotate-secret", { params: { webhookId } });
export const sendTestEvent = (webhookId: string) => call("post", "/api/webhooks/{webhookId}/test", { params: { webhookId } });
export const listDeliveries = (webhookId: string, cursor?: string) =>
  call("get", "/api/webhooks/{webhookId}/deliveries", { params: { webhookId }, query: { limit: 20, cursor } });
export const redeliver = (webhookId: string, deliveryId: string) =>
  call("post", "/api/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", { params: { webhookId, deliveryId } });
