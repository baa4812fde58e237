/**
 * The outbox's dispatcher: claims committed, undispatched events (FOR UPDATE SKIP LOCKED, so two
 * dispatchers never take the same one), creates one delivery per active endpoint of the event's
 * workspace subscribed to its type, in the same transaction that marks the events dispatched,
 * then hands the deliveries to QStash. Deliveries QStash did not take (it was down, or
 * API_PUBLIC_URL unset) are sent again by the sweep, which the scheduled aggregation job runs:
 * an event committed is never lost.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { webhookDeliveries, webhookEvents, webhooks, type WebhookEvent } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { enqueueDeliveries } from "./enqueue-delivery.ts";

/** Events claimed per batch; the sweep runs a few batches per call. */
export const DISPATCH_BATCH = 100;
const SWEEP_BATCHES = 5;
/** A delivery without a QStash message this old was not taken (the dispatcher enqueues at once). */
const UNQUEUED_AFTER_MS = 60_000;
/** QStash's retries of a delivery end within hours; a delivery still pending after this was given up. */
const ABANDONED_AFTER_MS = 2 * 86_400_000;

export interface DispatchReport {
  events: number;
  deliveries: number;
  queued: number;
}

/** One batch of the outbox. */
export async function dispatchWebhookEvents({ ctx }: { ctx: ServiceContext }): Promise<DispatchReport> {
  const created = await ctx.db().transaction(async (tx) => {
    const claimed = await claimEvents(tx);
    const deliveries: Array<{ id: string; workspaceId: string }> = [];
    for (const event of claimed) deliveries.push(...(await fanOut(tx, event)));
    return { events: claimed.length, deliveries };
  });
  const queued = await enqueueDeliveries({ ctx, input: { deliveries: created.deliveries } });
  return { events: created.events, deliveries: created.deliveries.length, queued };
}

/** The sweep: what the immediate dispatch missed (a lost isolate, QStash down), a bounded amount per run. */
export async function sweepWebhookOutbox({ ctx }: { ctx: ServiceContext }): Promise<DispatchReport> {
  const total: DispatchReport = { events: 0, deliveries: 0, queued: 0 };
  for (let batch = 0; batch < SWEEP_BATCHES; batch++) {
    const report = await dispatchWebhookEvents({ ctx });
    total.events += report.events;
    total.deliveries += report.deliveries;
    total.queued += report.queued;
    if (report.events < DISPATCH_BATCH) break;
  }
  const unqueued = await ctx
    .db()
    .select({ id: webhookDeliveries.id, workspaceId: webhookDeliveries.workspaceId })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), isNull(webhookDeliveries.qstashMessageId), lt(webhookDeliveries.createdAt, new Date(Date.now() - UNQUEUED_AFTER_MS))))
    .orderBy(asc(webhookDeliveries.createdAt))
    .limit(DISPATCH_BATCH);
  total.queued += await enqueueDeliveries({ ctx, input: { deliveries: unqueued } });
  await failAbandoned(ctx);
  return total;
}

/**
 * A delivery QStash took but whose every attempt ended in a 5xx of the job (the database down, a
 * secret that cannot be decrypted) is never settled by the job: past ABANDONED_AFTER_MS, far
 * beyond QStash's last retry, it is failed here, so the log says so instead of "pending" forever.
 */
async function failAbandoned(ctx: ServiceContext): Promise<void> {
  await ctx
    .db()
    .update(webhookDeliveries)
    .set({ status: "failed", lastError: "QStash gave up: every attempt of the delivery job failed before an answer was recorded" })
    .where(and(eq(webhookDeliveries.status, "pending"), isNotNull(webhookDeliveries.qstashMessageId), lt(webhookDeliveries.createdAt, new Date(Date.now() - ABANDONED_AFTER_MS))));
}

async function claimEvents(tx: Transaction): Promise<WebhookEvent[]> {
  const pending = await tx
    .select()
    .from(webhookEvents)
    .where(isNull(webhookEvents.dispatchedAt))
    .orderBy(asc(webhookEvents.createdAt))
    .limit(DISPATCH_BATCH)
    .for("update", { skipLocked: true });
  if (pending.length === 0) return [];
  await tx.update(webhookEvents).set({ dispatchedAt: sql`now()` }).where(inArray(webhookEvents.id, pending.map((event) => event.id)));
  return pending;
}

async function fanOut(tx: Transaction, event: WebhookEvent): Promise<Array<{ id: string; workspaceId: string }>> {
  const endpoints = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, event.workspaceId), eq(webhooks.active, true), sql`${event.type} = any(${webhooks.events})`));
  if (endpoints.length === 0) return [];
  const rows = endpoints.map((endpoint) => ({
    id: newId("webhookDelivery"),
    workspaceId: event.workspaceId,
    webhookId: endpoint.id,
    eventId: event.id,
    event: event.type,
    payload: deliveredPayload(event),
  }));
  await tx.insert(webhookDeliveries).values(rows);
  return rows.map((row) => ({ id: row.id, workspaceId: row.workspaceId }));
}

/** The body's fields, as the receiver gets them (`timestamp`: when the change happened). */
export function deliveredPayload(event: Pick<WebhookEvent, "type" | "createdAt" | "data">): Record<string, unknown> {
  return { type: event.type, timestamp: event.createdAt.toISOString(), data: event.data };
}
