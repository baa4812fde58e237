/**
 * POST /api/v1/events and POST /api/v1/events/batch (E4): business events tagged with the
 * trace_id of a get-prompt answer. The key needs the `events:write` scope; requests count against
 * the events rate limits (a batch counts as one request). Each event is checked by acceptEvent
 * (shape, limits, the workspace's definition); the accepted events of a request travel as ONE
 * queue message, and the answer (202) is sent only after the queue took it: an accepted event is
 * never lost. When the queue cannot take it the answer is 503 and nothing was accepted, so the
 * client retries the same request (which the event ids deduplicate).
 *
 * A batch answers 202 whenever the request itself is well-formed, with one result per item in
 * order; invalid items carry their error and do not stop the valid ones.
 */
import { Hono, type Context } from "hono";
import {
  ApiError,
  eventsBatchBodySchema,
  limitBodySize,
  PRODUCT_API_LIMITS,
  QUEUE_LIMITS,
  requireJsonBody,
  type ApiKeyRecord,
  type EventAcceptedResponse,
  type EventBatchMessage,
  type EventItemResult,
  type EventsBatchResponse,
  type QueuedEvent,
  readableIssues, validationMessage,
} from "@xr2/shared";
import type { EdgeHono } from "../env.ts";
import { acceptEvent } from "../services/accept-event.ts";
import { assertRateLimit } from "../services/assert-rate-limit.ts";
import { authenticateApiKey } from "../services/authenticate-api-key.ts";
import { dependency } from "../services/dependency.ts";
import { loadEventDefinitions, type EventDefinitions } from "../services/load-event-definitions.ts";

const encoder = new TextEncoder();

/** The key, within its limits, and the workspace's definitions (looked up while Redis answers). */
async function admit(c: Context<EdgeHono>): Promise<{ key: ApiKeyRecord; definitions: EventDefinitions }> {
  const env = c.get("env");
  const key = await authenticateApiKey(env, c.req.header("authorization"), "events:write");
  c.set("workspaceId", key.workspace_id);
  const [limit, definitions] = await Promise.allSettled([
    assertRateLimit(c, { policies: ["eventsPerKey", "eventsPerWorkspace"], quota: "eventsPerMonth", apiKey: key }),
    loadEventDefinitions(env, key.workspace_id),
  ]);
  if (limit.status === "rejected") throw limit.reason;
  if (definitions.status === "rejected") throw definitions.reason;
  return { key, definitions: definitions.value };
}

async function readJson(c: Context<EdgeHono>, example: string): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ApiError("BAD_REQUEST", `The body must be JSON, e.g. ${example}`);
  }
}

/** Puts the accepted events on the queue as one message; resolves once the queue has it. */
async function enqueue(c: Context<EdgeHono>, key: ApiKeyRecord, events: QueuedEvent[], receivedAt: Date): Promise<void> {
  const message: EventBatchMessage = { type: "event_batch", workspace_id: key.workspace_id, api_key_id: key.key_id, received_at: receivedAt.toISOString(), events };
  const serialized = JSON.stringify(message);
  const bytes = encoder.encode(serialized).length;
  if (bytes > QUEUE_LIMITS.eventMessageBytes) {
    throw new ApiError("PAYLOAD_TOO_LARGE", `These events take ${bytes} bytes once normalised; at most ${QUEUE_LIMITS.eventMessageBytes} fit one request. Send fewer per batch`);
  }
  const queue = c.get("env").EVENTS_QUEUE;
  await dependency("The events queue", () => queue.send(message, { contentType: "json" }));
}

async function postEvent(c: Context<EdgeHono>): Promise<Response> {
  const { key, definitions } = await admit(c);
  const body = await readJson(c, '{"trace_id": "tr_…", "event_name": "signup", "fields": {}}');
  const now = new Date();
  const verdict = await acceptEvent(body, { workspaceId: key.workspace_id, definitions, now });
  if (!verdict.accepted) throw new ApiError(verdict.error.code, verdict.error.message);
  await enqueue(c, key, [verdict.event], now);
  const answer: EventAcceptedResponse = { accepted: true, event_id: verdict.event.event_id, declared: verdict.declared };
  return c.json(answer, 202);
}

async function postEventBatch(c: Context<EdgeHono>): Promise<Response> {
  const { key, definitions } = await admit(c);
  const parsed = eventsBatchBodySchema.safeParse(await readJson(c, '{"events": [{"trace_id": "tr_…", "event_name": "signup"}]}'));
  if (!parsed.success) throw new ApiError("VALIDATION_FAILED", `The body must be {"events": [...]}: ${validationMessage(parsed.error.issues, "body")}`, { details: readableIssues(parsed.error.issues) });
  const items = parsed.data.events;
  if (items.length === 0) throw new ApiError("VALIDATION_FAILED", "events is empty: send at least one event");
  if (items.length > PRODUCT_API_LIMITS.eventsPerBatch) throw new ApiError("PAYLOAD_TOO_LARGE", `A batch holds at most ${PRODUCT_API_LIMITS.eventsPerBatch} events; this one has ${items.length}`);

  const now = new Date();
  const verdicts = await Promise.all(items.map((item) => acceptEvent(item, { workspaceId: key.workspace_id, definitions, now })));
  const accepted = verdicts.flatMap((verdict) => (verdict.accepted ? [verdict.event] : []));
  if (accepted.length > 0) await enqueue(c, key, accepted, now);
  const results = verdicts.map((verdict, index): EventItemResult =>
    verdict.accepted
      ? { index, event_id: verdict.event.event_id, accepted: true, declared: verdict.declared }
      : { index, event_id: verdict.eventId, accepted: false, error: verdict.error },
  );
  const answer: EventsBatchResponse = { results };
  return c.json(answer, 202);
}

export const eventsRoute = new Hono<EdgeHono>()
  .post("/api/v1/events", limitBodySize(PRODUCT_API_LIMITS.eventBodyBytes), requireJsonBody(), postEvent)
  .post("/api/v1/events/batch", limitBodySize(PRODUCT_API_LIMITS.eventsBatchBodyBytes), requireJsonBody(), postEventBatch);
