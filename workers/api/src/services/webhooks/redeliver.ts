/**
 * "Redeliver" (Admin): the event of an earlier delivery, sent to the same endpoint again as a new
 * delivery with its own attempts (the earlier one's log stays as it was). It keeps the event's
 * webhook-id, so a receiver that already handled it can tell.
 */
import { and, eq } from "drizzle-orm";
import { webhookDeliveries } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { enqueueDeliveries } from "./enqueue-delivery.ts";
import { loadWebhook } from "./webhook-view.ts";

export async function redeliver({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; webhookId: string; deliveryId: string; actorUserId: string } }) {
  const id = await ctx.db().transaction(async (tx) => {
    const webhook = await loadWebhook(tx, input);
    const [earlier] = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, input.deliveryId), eq(webhookDeliveries.webhookId, webhook.id), eq(webhookDeliveries.workspaceId, input.workspaceId)))
      .limit(1);
    if (!earlier) throw new ApiError("NOT_FOUND", "Delivery not found");
    if (!webhook.active) throw new ApiError("CONFLICT", "This endpoint is disabled; turn it back on (PATCH active: true) before redelivering");
    const deliveryId = newId("webhookDelivery");
    await tx.insert(webhookDeliveries).values({ id: deliveryId, workspaceId: input.workspaceId, webhookId: webhook.id, eventId: earlier.eventId, event: earlier.event, payload: earlier.payload });
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "webhook.redeliver",
      targetType: "webhook",
      targetId: webhook.id,
      after: { delivery_id: deliveryId, redelivers: earlier.id, event: earlier.event },
    });
    return deliveryId;
  });
  const queued = await enqueueDeliveries({ ctx, input: { deliveries: [{ id, workspaceId: input.workspaceId }] } });
  return { delivery_id: id, queued: queued === 1 };
}
