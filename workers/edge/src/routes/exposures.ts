/**
 * POST /api/v1/exposures (D2): what SDKs served themselves — rendered locally from a cached
 * template, assigned locally to a variant — reported afterwards in batches, so that dashboards,
 * funnels and experiments count SDK traffic exactly like get-prompt's. The key needs
 * `prompts:read` (the scope that fetched what was served); a request counts once against the
 * events rate limits. Each item is checked alone (services/accept-exposures.ts); the accepted
 * ones travel through the same queue and consumer as the edge's own exposures, idempotent by
 * the workspace's trace id (the client chooses it, so it never collides with another workspace's
 * rows), and the answer (202) is sent only once the queue has them: when it cannot take them
 * the answer is 503, and the client sends the same request again. The queue takes a request's
 * messages in as many sendBatch calls as its limits need (sendBatchCalls); when a later call
 * fails, the earlier parts are queued already, and the client's retry stores them no second time.
 */
import { Hono, type Context } from "hono";
import {
  ApiError,
  exposuresBodySchema,
  limitBodySize,
  QUEUE_LIMITS,
  requireJsonBody,
  SDK_LIMITS,
  type ExposureBatchMessage,
  type ExposureItemResult,
  type ExposuresResponse,
  type FallbackBatchMessage,
  readableIssues,
  validationMessage,
} from "@xr2/shared";
import type { EdgeHono } from "../env.ts";
import { acceptExposures } from "../services/accept-exposures.ts";
import { assertRateLimit } from "../services/assert-rate-limit.ts";
import { authenticateApiKey } from "../services/authenticate-api-key.ts";
import { dependency } from "../services/dependency.ts";

async function postExposures(c: Context<EdgeHono>): Promise<Response> {
  const env = c.get("env");
  const key = await authenticateApiKey(env, c.req.header("authorization"), "prompts:read");
  c.set("workspaceId", key.workspace_id);
  await assertRateLimit(c, { policies: ["eventsPerKey", "eventsPerWorkspace"], apiKey: key });

  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError("BAD_REQUEST", 'The body must be JSON, e.g. {"exposures": [{"trace_id": "tr_…", "origin": "cache", …}]}');
  }
  const parsed = exposuresBodySchema.safeParse(body);
  if (!parsed.success) throw new ApiError("VALIDATION_FAILED", `The body must be {"exposures": [...]}: ${validationMessage(parsed.error.issues, "body")}`, { details: readableIssues(parsed.error.issues) });
  const items = parsed.data.exposures;
  if (items.length === 0) throw new ApiError("VALIDATION_FAILED", "exposures is empty: send at least one exposure");
  if (items.length > SDK_LIMITS.exposuresPerBatch) throw new ApiError("PAYLOAD_TOO_LARGE", `A request holds at most ${SDK_LIMITS.exposuresPerBatch} exposures; this one has ${items.length}`);

  const verdicts = await acceptExposures(env, items, { key, now: new Date() });
  const exposures = verdicts.flatMap((verdict) => (verdict.accepted && verdict.kind === "exposure" ? [verdict.exposure] : []));
  const fallbacks = verdicts.flatMap((verdict) => (verdict.accepted && verdict.kind === "fallback" ? [verdict.fallback] : []));
  const messages: Array<ExposureBatchMessage | FallbackBatchMessage> = [
    ...bySize(exposures).map((part): ExposureBatchMessage => ({ type: "exposure_batch", exposures: part })),
    ...bySize(fallbacks).map((part): FallbackBatchMessage => ({ type: "fallback_batch", fallbacks: part })),
  ];
  // One call after another, and the 202 only after the last (see above for a failing one).
  for (const call of sendBatchCalls(messages)) await dependency("The events queue", () => env.EVENTS_QUEUE.sendBatch(call.map((message) => ({ body: message, contentType: "json" as const }))));

  const results = verdicts.map((verdict, index): ExposureItemResult => {
    if (!verdict.accepted) return { index, trace_id: verdict.traceId, accepted: false, error: verdict.error };
    return { index, trace_id: verdict.kind === "exposure" ? verdict.exposure.trace_id : verdict.fallback.trace_id, accepted: true };
  });
  const answer: ExposuresResponse = { results };
  return c.json(answer, 202);
}

const encoder = new TextEncoder();

/**
 * The items in parts that each fit one queue message: at most exposuresPerMessage, and at most
 * eventMessageBytes once serialised (the 128 KB a message holds). Ordinary exposures take a few
 * hundred bytes: 500 of them make five messages of 100.
 */
function bySize<T>(items: T[]): T[][] {
  return packed(items, QUEUE_LIMITS.exposuresPerMessage, QUEUE_LIMITS.eventMessageBytes, (item) => byteLength(item) + 1);
}

/** The messages in groups that one sendBatch call takes: at most 100 messages and 256 KB in all. */
function sendBatchCalls<T>(messages: T[]): T[][] {
  return packed(messages, QUEUE_LIMITS.sendBatchMessages, QUEUE_LIMITS.sendBatchBytes, byteLength);
}

/** `values` in order, in groups of at most `maxCount` values and `maxBytes` (a single larger value goes alone). */
function packed<T>(values: T[], maxCount: number, maxBytes: number, sizeOf: (value: T) => number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const value of values) {
    const size = sizeOf(value);
    if (group.length === maxCount || (group.length > 0 && bytes + size > maxBytes)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(value);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function byteLength(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

export const exposuresRoute = new Hono<EdgeHono>().post("/api/v1/exposures", limitBodySize(SDK_LIMITS.exposuresBodyBytes), requireJsonBody(), postExposures);
