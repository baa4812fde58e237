/**
 * Records a webhook event in the transaction of the change it reports (an outbox): delivered to
 * the workspace's subscribed endpoints only once that transaction commits, and never when it
 * rolls back. The dispatcher (dispatch-events.ts) fans committed rows out into deliveries right
 * after the request (middleware/dispatch-webhooks.ts) and, as a sweep, from the scheduled job.
 */
import { webhookEvents } from "@xr2/db/schema";
import { newId, type WebhookEventType } from "@xr2/shared";
import type { Transaction } from "../../context.ts";

export interface WebhookEventInput {
  workspaceId: string;
  type: WebhookEventType;
  /** The event's payload (`data` in the delivered body): ids, names, environment, actor, links. */
  data: Record<string, unknown>;
}

let recorded = 0;

/**
 * How many events this isolate has recorded: a request that sees it change while it runs
 * dispatches when it ends, by then after its own commit (a concurrent request's event it misses
 * is dispatched by that request, or by the sweep).
 */
export function webhookEventsRecorded(): number {
  return recorded;
}

export async function recordWebhookEvent(tx: Transaction, event: WebhookEventInput): Promise<void> {
  await tx.insert(webhookEvents).values({ id: newId("webhookEvent"), workspaceId: event.workspaceId, type: event.type, data: event.data });
  recorded++;
}
