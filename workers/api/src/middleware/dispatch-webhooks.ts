/**
 * Dispatches the webhook outbox right after a request during which an event was recorded
 * (services/webhooks/record-event.ts), in waitUntil so the answer does not wait for QStash. The
 * request's own transaction has committed by the time its handler returned; an event of a
 * concurrent request is dispatched by that request, or by the scheduled sweep. A failed dispatch
 * is logged: the outbox keeps the events and the sweep sends them.
 */
import { createMiddleware } from "hono/factory";
import { describeError, log } from "@xr2/shared";
import type { ApiHono } from "../app.ts";
import { dispatchWebhookEvents } from "../services/webhooks/dispatch-events.ts";
import { webhookEventsRecorded } from "../services/webhooks/record-event.ts";
import { createServiceContext } from "../context.ts";

export const dispatchWebhooks = createMiddleware<ApiHono>(async (c, next) => {
  const before = webhookEventsRecorded();
  await next();
  if (webhookEventsRecorded() === before) return;
  const { env, requestId } = c.get("ctx");
  // A context of its own: the request's is disposed (its pool closed) when the request ends.
  const ctx = createServiceContext(env, requestId);
  c.executionCtx.waitUntil(
    dispatchWebhookEvents({ ctx })
      .catch((error: unknown) => log("error", "webhook events not dispatched now; the scheduled sweep sends them", { request_id: requestId, error: describeError(error) }))
      .finally(() => ctx.dispose()),
  );
});
