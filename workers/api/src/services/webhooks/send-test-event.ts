/**
 * "Send test event" (Admin): a `webhook.test` event for this endpoint only, through the same
 * pipeline (an outbox row for its webhook-id, a delivery, QStash, the delivery job). The outbox
 * row is written already dispatched, so the dispatcher never fans it out to other endpoints.
 */
import { webhookDeliveries, webhookEvents } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { deliveredPayload } from "./dispatch-events.ts";
import { enqueueDeliveries } from "./enqueue-delivery.ts";
import { loadWebhook } from "./webhook-view.ts";

export const TEST_EVENT_TYPE = "webhook.test";

export async function sendTestEvent({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; webhookId: string; actorUserId: string } }) {
  const delivery = await ctx.db().transaction(async (tx) => {
    const webhook = await loadWebhook(tx, input);
    const [event] = await tx
      .insert(webhookEvents)
      .values({
        id: newId("webhookEvent"),
        workspaceId: input.workspaceId,
        type: TEST_EVENT_TYPE,
        data: { webhook_id: webhook.id, message: "A test event from xR2: this endpoint receives and verifies webhooks.", actor: { user_id: input.actorUserId } },
        dispatchedAt: new Date(),
      })
      .returning();
    const id = newId("webhookDelivery");
    await tx.insert(webhookDeliveries).values({ id, workspaceId: input.workspaceId, webhookId: webhook.id, eventId: event!.id, event: TEST_EVENT_TYPE, payload: deliveredPayload(event!) });
    return { id, eventId: event!.id };
  });
  const queued = await enqueueDeliveries({ ctx, input: { deliveries: [{ id: delivery.id, workspaceId: input.workspaceId }] } });
  return { delivery_id: delivery.id, event_id: delivery.eventId, queued: queued === 1 };
}
