/**
 * POST /api/v1/exposures (D2): what SDKs served themselves — rendered locally from a cached
 * template, assigned locally to a variant — reported afterwards in batches, so that dashboards,
 * funnels and experiments count SDK traffic exactly like get-prompt's. The key needs
 * `prompts:read` (the scope that fetched what was served); a request counts once against the
 * events rate limits. Each item is checked alone (services/accept-exposures.ts); the accepted
 * ones travel through the same queue and consumer as the edge's own exposures, idempotent by
 * the workspace's trace id (the client chooses it, so it never collides with another workspace's
 * rows), and the answer (202) is sent only once the queue has them: when it cannot take them
 * the answer is 503, and the client sends the same request again.
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
  if (!parsed.success) throw new ApiError("VALIDATION_FAILED", `The body must be {"exposures": [...]}: ${parsed.error.issues[0]?.message ?? "invalid body"}`, { details: parsed.error.issues });
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
  if (messages.length > 0) await dependency("The events queue", () => env.EVENTS_QUEUE.sendBatch(messages.map((message) => ({ body: message, contentType: "json" as const }))));

  const results = verdicts.map((verdict, index): ExposureItemResult => {
    if (!verdict.accepted) return { index, trace_id: verdict.traceId, accepted: false, error: verdict.error };
    return { index, trace_id: verdict.kind === "exposure" ? verdict.exposure.trace_id : verdict.fallback.trace_id, accepted: true };
  });
  const answer: ExposuresResponse = { results };
  return c.json(answer, 202);
}

const encoder = new TextEncoder();

/**
 * The items in parts that each fit one queue message. A hundred exposures of the longest ids,
 * units and sources in four-byte characters exceed the 128 KB a message holds, while ordinary
 * ones take a few KB: one message in practice, two at worst (sendBatch takes 256 KB).
 */
function bySize<T>(items: T[]): T[][] {
  const parts: T[][] = [];
  let part: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = encoder.encode(JSON.stringify(item)).length + 1;
    if (part.length > 0 && bytes + size > QUEUE_LIMITS.eventMessageBytes) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(item);
    bytes += size;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

export const exposuresRoute = new Hono<EdgeHono>().post("/api/v1/exposures", limitBodySize(SDK_LIMITS.exposuresBodyBytes), requireJsonBody(), postExposures);
