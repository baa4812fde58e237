/**
 * The webhook events (S7) in the OpenAPI document's top-level `webhooks` (OpenAPI 3.1): one entry
 * per event type, the POST a subscribed endpoint receives, with its body (the Standard Webhooks
 * envelope `{type, timestamp, data}`, `data` from the shared payload schemas) and an example.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES, webhookEnvelopeExample, webhookEnvelopeSchema, type WebhookEventType } from "@xr2/shared";
import type { ApiHono } from "../app.ts";

const SIGNATURE_HEADERS = z.object({
  "webhook-id": z.string().openapi({ description: "The event's id: the same on every attempt, so a receiver can drop duplicates", example: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W" }),
  "webhook-timestamp": z.string().openapi({ description: "When this attempt was signed (Unix seconds); refuse old ones to stop replays", example: "1796635800" }),
  "webhook-signature": z.string().openapi({
    description: "`v1,` and the base64 HMAC-SHA256, keyed with the endpoint's secret (whsec_…), of `{webhook-id}.{webhook-timestamp}.{body}`; during a rotation, one signature per live secret, space-separated",
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  }),
});

/** `version.rolled_back` → `VersionRolledBackEvent`: the component name of its envelope. */
function componentName(type: WebhookEventType): string {
  return `${type.replaceAll(/(^|[._])(\w)/g, (_match, _separator, letter: string) => letter.toUpperCase())}Event`;
}

/** `version.rolled_back` → `versionRolledBackWebhook`: camelCase, like the operations' ids. */
function operationId(type: WebhookEventType): string {
  const name = componentName(type).replace(/Event$/, "Webhook");
  return name[0]!.toLowerCase() + name.slice(1);
}

export function registerWebhooks(app: OpenAPIHono<ApiHono>): void {
  for (const type of WEBHOOK_EVENT_TYPES) {
    const schema = app.openAPIRegistry.register(componentName(type), webhookEnvelopeSchema(type));
    app.openAPIRegistry.registerWebhook({
      method: "post",
      path: type,
      operationId: operationId(type),
      tags: ["webhooks"],
      summary: type,
      description: `${WEBHOOK_EVENT_DESCRIPTIONS[type]} Sent to each active endpoint of the workspace that subscribed to \`${type}\` (POST /api/webhooks), signed by the Standard Webhooks scheme; a Slack endpoint receives a Slack message instead.`,
      security: [],
      request: {
        headers: SIGNATURE_HEADERS,
        body: { required: true, content: { "application/json": { schema, example: webhookEnvelopeExample(type) } } },
      },
      responses: {
        200: { description: "Any 2xx: the event is accepted and not sent again" },
        default: { description: "Any other status, a timeout or a network error: the event is sent again later, with backoff" },
      },
    });
  }
}
