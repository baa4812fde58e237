/**
 * Hands a delivery to QStash: one message to the delivery job (POST /api/jobs/webhook-delivery),
 * which QStash signs and retries with backoff while the job answers non-2xx. The message id is
 * kept on the delivery; a delivery QStash never took keeps none and is picked up by the sweep
 * (dispatch-events.ts), so a failed publish is logged, not thrown.
 */
import { Client } from "@upstash/qstash";
import { and, eq } from "drizzle-orm";
import { webhookDeliveries } from "@xr2/db/schema";
import { log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export const WEBHOOK_DELIVERY_JOB = {
  path: "/api/jobs/webhook-delivery",
  /** Retries after the first attempt (backoff is QStash's: exponential); then the delivery failed. */
  retries: 5,
} as const;

export async function enqueueDeliveries({ ctx, input }: { ctx: ServiceContext; input: { deliveries: Array<{ id: string; workspaceId: string }> } }): Promise<number> {
  if (input.deliveries.length === 0) return 0;
  const base = ctx.env.API_PUBLIC_URL;
  if (base === undefined) {
    log("warn", "webhook deliveries not queued: API_PUBLIC_URL is unset, so QStash cannot reach the job", { deliveries: input.deliveries.length });
    return 0;
  }
  const client = new Client({ baseUrl: ctx.env.QSTASH_URL, token: ctx.env.QSTASH_TOKEN, devMode: false, enableTelemetry: false, retry: { retries: 1 } });
  let queued = 0;
  for (const delivery of input.deliveries) {
    try {
      const { messageId } = await client.publishJSON({
        url: new URL(WEBHOOK_DELIVERY_JOB.path, base).href,
        body: { delivery_id: delivery.id, workspace_id: delivery.workspaceId },
        retries: WEBHOOK_DELIVERY_JOB.retries,
      });
      await ctx.db().update(webhookDeliveries).set({ qstashMessageId: messageId }).where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.workspaceId, delivery.workspaceId)));
      queued++;
    } catch (error) {
      log("error", "webhook delivery not queued; the sweep retries it", { delivery_id: delivery.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return queued;
}
