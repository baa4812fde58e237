/**
 * POST /api/jobs/webhook-delivery: the QStash target that sends one webhook delivery
 * (services/webhooks/deliver-webhook.ts). An attempt that failed while retries remain answers
 * 502, so QStash retries it with backoff; a success, a delivery already settled (a retry after a
 * success sends nothing) or the last failed attempt answer 200. Not in the OpenAPI document.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { verifyQStashSignature } from "../../middleware/verify-qstash-signature.ts";
import { deliverWebhook } from "../../services/webhooks/deliver-webhook.ts";
import { WEBHOOK_DELIVERY_JOB } from "../../services/webhooks/enqueue-delivery.ts";

const bodySchema = z.strictObject({ delivery_id: z.string().min(1).max(64), workspace_id: z.string().min(1).max(64) });

export const webhookDeliveryJobRoute = new OpenAPIHono<ApiHono>().post(WEBHOOK_DELIVERY_JOB.path, verifyQStashSignature, async (c) => {
  const parsed = bodySchema.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) throw new ApiError("VALIDATION_FAILED", 'Send {"delivery_id": "whd_…", "workspace_id": "ws_…"}', { details: parsed.error.issues });
  const retried = Number.parseInt(c.req.header("upstash-retried") ?? "0", 10);
  const result = await deliverWebhook({
    ctx: c.get("ctx"),
    input: { deliveryId: parsed.data.delivery_id, workspaceId: parsed.data.workspace_id, retried: Number.isFinite(retried) && retried >= 0 ? retried : 0 },
  });
  // The endpoint's answer is in the delivery log; QStash only needs to know whether to retry.
  if (result === "retry") return c.json({ delivery_id: parsed.data.delivery_id, result }, 502);
  return c.json({ delivery_id: parsed.data.delivery_id, result }, 200);
});
