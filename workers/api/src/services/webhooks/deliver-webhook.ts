/**
 * The delivery job's work (POST /api/jobs/webhook-delivery, called by QStash): loads the delivery
 * and its endpoint within the workspace named in the message, sends one attempt, logs it, and
 * settles the delivery. A delivery already settled is not sent again (a QStash retry or a
 * duplicate message after a success sends nothing). The answer tells the route whether QStash
 * should retry: "retry" while attempts remain; on the last one the delivery is failed, and an
 * endpoint whose deliveries failed WEBHOOK_FAILURE_LIMIT times in a row is disabled.
 */
import { and, eq, sql } from "drizzle-orm";
import { webhookDeliveries, webhookDeliveryAttempts, webhooks, type Webhook, type WebhookDelivery } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { WEBHOOK_DELIVERY_JOB } from "./enqueue-delivery.ts";
import { notifyEndpointDisabled } from "./notify-endpoint-disabled.ts";
import { outboundUrlProblem } from "./outbound-url.ts";
import { deliveryBody, sendWebhook, signatureHeaders, type AttemptOutcome } from "./send-webhook.ts";
import { signingSecrets } from "./webhook-secret.ts";

export type DeliveryResult = "succeeded" | "failed" | "retry" | "skipped";

export async function deliverWebhook({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; deliveryId: string; retried: number } }): Promise<DeliveryResult> {
  const db = ctx.db();
  const [row] = await db
    .select({ delivery: webhookDeliveries, webhook: webhooks })
    .from(webhookDeliveries)
    .innerJoin(webhooks, and(eq(webhooks.id, webhookDeliveries.webhookId), eq(webhooks.workspaceId, webhookDeliveries.workspaceId)))
    .where(and(eq(webhookDeliveries.id, input.deliveryId), eq(webhookDeliveries.workspaceId, input.workspaceId)))
    .limit(1);
  // Gone with its endpoint or workspace, or already settled: nothing to send.
  if (!row || row.delivery.status !== "pending") return "skipped";
  const { delivery, webhook } = row;
  if (!webhook.active) {
    await settle(ctx, delivery, webhook, { succeeded: false, status: null, latencyMs: 0, excerpt: null, error: "The endpoint is disabled" }, { final: true, counts: false });
    return "failed";
  }
  const allowLoopback = ctx.env.WEBHOOKS_ALLOW_LOOPBACK;
  const problem = outboundUrlProblem(webhook.url, { allowLoopback });
  const outcome = problem !== null ? refused(problem) : await attempt(ctx, delivery, webhook);
  // A refused URL stays refused: no retry.
  const final = outcome.succeeded || problem !== null || input.retried >= WEBHOOK_DELIVERY_JOB.retries;
  await settle(ctx, delivery, webhook, outcome, { final, counts: true });
  return outcome.succeeded ? "succeeded" : final ? "failed" : "retry";
}

function refused(problem: string): AttemptOutcome {
  return { succeeded: false, status: null, latencyMs: 0, excerpt: null, error: `Not sent: ${problem}` };
}

async function attempt(ctx: ServiceContext, delivery: WebhookDelivery, webhook: Webhook): Promise<AttemptOutcome> {
  const payload = delivery.payload as { type: string; timestamp: string; data: Record<string, unknown> };
  const event = { id: delivery.eventId ?? delivery.id, type: payload.type, timestamp: payload.timestamp, data: payload.data ?? {} };
  const body = deliveryBody(webhook, event, ctx.env.SITE_URL);
  const headers = signatureHeaders(await signingSecrets(ctx.env, webhook), event.id, body);
  return sendWebhook(webhook.url, headers, body);
}

/** Logs the attempt and moves the delivery (and the endpoint's failure count) on, in one transaction. */
async function settle(ctx: ServiceContext, delivery: WebhookDelivery, webhook: Webhook, outcome: AttemptOutcome, opts: { final: boolean; counts: boolean }): Promise<void> {
  const status = outcome.succeeded ? "succeeded" : opts.final ? "failed" : "pending";
  const disabled = await ctx.db().transaction(async (tx) => {
    await tx.insert(webhookDeliveryAttempts).values({
      id: newId("webhookAttempt"),
      workspaceId: delivery.workspaceId,
      deliveryId: delivery.id,
      succeeded: outcome.succeeded,
      responseStatus: outcome.status,
      latencyMs: outcome.latencyMs,
      responseExcerpt: outcome.excerpt,
      error: outcome.error,
    });
    const settled = await tx
      .update(webhookDeliveries)
      .set({
        status,
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        responseStatus: outcome.status,
        lastError: outcome.succeeded ? null : (outcome.error ?? outcome.excerpt),
        lastAttemptAt: sql`now()`,
        ...(outcome.succeeded ? { deliveredAt: sql`now()` } : {}),
      })
      // Only a pending delivery moves: a concurrent duplicate that settled it first wins.
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.workspaceId, delivery.workspaceId), eq(webhookDeliveries.status, "pending")))
      .returning({ id: webhookDeliveries.id });
    if (settled.length === 0 || !opts.counts || status === "pending") return false;
    return updateFailureCount(tx, ctx, webhook, outcome.succeeded);
  });
  if (disabled) await notifyEndpointDisabled({ ctx, input: { webhook } });
}

/** True when this failure disabled the endpoint. */
async function updateFailureCount(tx: Transaction, ctx: ServiceContext, webhook: Webhook, succeeded: boolean): Promise<boolean> {
  const scope = and(eq(webhooks.id, webhook.id), eq(webhooks.workspaceId, webhook.workspaceId));
  if (succeeded) {
    await tx.update(webhooks).set({ consecutiveFailures: 0 }).where(scope);
    return false;
  }
  const [counted] = await tx
    .update(webhooks)
    .set({ consecutiveFailures: sql`${webhooks.consecutiveFailures} + 1` })
    .where(scope)
    .returning({ failures: webhooks.consecutiveFailures, active: webhooks.active });
  if (!counted || !counted.active || counted.failures < ctx.env.WEBHOOK_FAILURE_LIMIT) return false;
  await tx
    .update(webhooks)
    .set({ active: false, disabledAt: sql`now()`, disabledReason: `Disabled after ${counted.failures} deliveries in a row failed` })
    .where(scope);
  return true;
}
