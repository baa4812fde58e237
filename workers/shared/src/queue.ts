/**
 * Messages the edge worker puts on the events queue and the API worker consumes.
 *
 * Exposures are buffered for a few milliseconds in each edge isolate and sent as one
 * `exposure_batch` message per flush, so the queue carries one message per burst of get-prompt
 * calls rather than one per call. A single `exposure` message is still accepted, so messages
 * written by an older edge deployment drain after an upgrade.
 *
 * Business events are not buffered: the edge answers 202 only once their message is on the
 * queue, so each events request becomes exactly one `event_batch` message.
 */
import * as z from "zod";
import { ENVIRONMENTS } from "./kv.ts";
import { slugSchema, UNSTORABLE_CHARACTERS } from "./product-api.ts";

/** Cloudflare Queues take messages of at most 128 KB; batches stay well under it. */
export const QUEUE_LIMITS = {
  messageBytes: 128 * 1024,
  exposuresPerMessage: 100,
  eventsPerMessage: 100,
  /**
   * The edge refuses (413) an event_batch message larger than this once serialised. The request
   * limits keep a full batch far below it; this is the backstop, under 128 KB however counted.
   */
  eventMessageBytes: 120_000,
  /** One sendBatch call takes at most this many messages… */
  sendBatchMessages: 100,
  /**
   * …and at most 256 KB of them in all: two messages of eventMessageBytes fit, with room for
   * what the platform counts besides their JSON.
   */
  sendBatchBytes: 250_000,
} as const;

/** The queue names of wrangler.toml: the consumer tells its two queues apart by name. */
export const QUEUE_NAMES = { events: "xr2-events", eventsDeadLetters: "xr2-events-dlq" } as const;

/**
 * The largest JSON of an exposure's values the edge keeps: a batch of exposuresPerMessage
 * exposures with values this large stays under the queue's 128 KB message limit.
 */
export const EXPOSURE_VALUES_MAX_CHARS = 512;

const UNSTORABLE = new RegExp(UNSTORABLE_CHARACTERS.source);

/**
 * The values to keep with an exposure, or null when they are too large to keep, or hold text
 * Postgres's jsonb refuses (NUL, a lone surrogate), which would make the whole batch fail.
 */
export function keptExposureValues(values: Record<string, string | number | boolean>): Record<string, string | number | boolean> | null {
  if (JSON.stringify(values).length > EXPOSURE_VALUES_MAX_CHARS) return null;
  for (const [name, value] of Object.entries(values)) if (UNSTORABLE.test(name) || (typeof value === "string" && UNSTORABLE.test(value))) return null;
  return values;
}

export const exposureSchema = z.object({
  trace_id: z.string().min(1).max(64),
  workspace_id: z.string().min(1).max(64),
  prompt_id: z.string().min(1).max(64),
  version_id: z.string().min(1).max(64),
  environment: z.enum(ENVIRONMENTS),
  source: z.string().max(64).nullable(),
  variant: z.string().max(64).nullable(),
  /** The running experiment whose variant was served, when there was one. */
  experiment_id: z.string().max(64).nullable().default(null),
  unit_id: z.string().max(256).nullable(),
  api_key_id: z.string().max(64).nullable(),
  latency_ms: z.number().nonnegative(),
  /** "error" when the version was found but could not be served (e.g. invalid variables). */
  status: z.enum(["success", "error"]).default("success"),
  error_code: z.string().max(64).nullable().default(null),
  served_at: z.iso.datetime({ offset: true }),
  /** How an SDK served it (POST /api/v1/exposures); null when the edge rendered it. */
  origin: z.enum(["network", "cache", "stale", "bootstrap"]).nullable().default(null),
  /** The values rendered with, when their JSON is at most EXPOSURE_VALUES_MAX_CHARS (trace explorer). */
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).nullable().default(null),
});
export type Exposure = z.input<typeof exposureSchema>;
export type ParsedExposure = z.infer<typeof exposureSchema>;

export const exposureMessageSchema = exposureSchema.extend({ type: z.literal("exposure") });
export type ExposureMessage = z.input<typeof exposureMessageSchema>;

export const exposureBatchMessageSchema = z.object({
  type: z.literal("exposure_batch"),
  exposures: z.array(exposureSchema).min(1).max(QUEUE_LIMITS.exposuresPerMessage),
});
export type ExposureBatchMessage = z.input<typeof exposureBatchMessageSchema>;

/**
 * An app served its own fallback text because its SDK had nothing from xR2 for the slug: no
 * prompt or version to attribute, so these are kept apart from exposures, by trace id.
 */
export const fallbackUseSchema = z.object({
  trace_id: z.string().min(1).max(64),
  workspace_id: z.string().min(1).max(64),
  slug: slugSchema,
  environment: z.enum(ENVIRONMENTS),
  source: z.string().max(64).nullable(),
  unit_id: z.string().max(256).nullable(),
  api_key_id: z.string().max(64).nullable(),
  served_at: z.iso.datetime({ offset: true }),
});
export type FallbackUse = z.infer<typeof fallbackUseSchema>;

export const fallbackBatchMessageSchema = z.object({
  type: z.literal("fallback_batch"),
  fallbacks: z.array(fallbackUseSchema).min(1).max(QUEUE_LIMITS.exposuresPerMessage),
});
export type FallbackBatchMessage = z.infer<typeof fallbackBatchMessageSchema>;

const eventFieldValueSchema = z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]);

/** A business event as the edge accepted it: validated, with its event_id and time settled. */
export const queuedEventSchema = z.object({
  event_id: z.string().min(1).max(128),
  trace_id: z.string().min(1).max(64),
  event_name: z.string().min(1).max(64),
  category: z.string().max(64).nullable(),
  fields: z.record(z.string().max(64), eventFieldValueSchema),
  occurred_at: z.iso.datetime({ offset: true }),
});
export type QueuedEvent = z.infer<typeof queuedEventSchema>;

/** The accepted events of one events request (single or batch). */
export const eventBatchMessageSchema = z.object({
  type: z.literal("event_batch"),
  workspace_id: z.string().min(1).max(64),
  api_key_id: z.string().max(64).nullable(),
  received_at: z.iso.datetime({ offset: true }),
  events: z.array(queuedEventSchema).min(1).max(QUEUE_LIMITS.eventsPerMessage),
});
export type EventBatchMessage = z.infer<typeof eventBatchMessageSchema>;

/**
 * One Product API request made with an API key, for the key's request log (db/schema/request-log.ts).
 * The edge knows the key only by its SHA-256 when it refused it (revoked: no record), so the
 * consumer resolves the key, its workspace and its prefix from `key_hash`; an unknown hash is dropped.
 */
export const requestLogEntrySchema = z.object({
  id: z.string().min(1).max(64),
  key_hash: z.string().regex(/^[0-9a-f]{64}$/),
  method: z.string().min(1).max(16),
  route: z.string().min(1).max(200),
  slug: z.string().max(200).nullable(),
  status: z.number().int().min(100).max(599),
  latency_ms: z.number().nonnegative().max(3_600_000),
  error_code: z.string().max(64).nullable(),
  source: z.enum(["sdk", "http"]),
  client: z.string().min(1).max(32),
  user_agent: z.string().max(256).nullable(),
  trace_id: z.string().max(64).nullable(),
  request_id: z.string().min(1).max(128),
  received_at: z.iso.datetime({ offset: true }),
});
export type RequestLogEntry = z.infer<typeof requestLogEntrySchema>;

export const requestLogBatchMessageSchema = z.object({
  type: z.literal("request_log_batch"),
  entries: z.array(requestLogEntrySchema).min(1).max(QUEUE_LIMITS.exposuresPerMessage),
});
export type RequestLogBatchMessage = z.infer<typeof requestLogBatchMessageSchema>;

/** Sent by the edge's /health to prove the producer binding works; the consumer drops it. */
export const healthProbeMessageSchema = z.object({ type: z.literal("health_probe"), sent_at: z.string() });
export type HealthProbeMessage = z.infer<typeof healthProbeMessageSchema>;

export const queueMessageSchema = z.discriminatedUnion("type", [exposureMessageSchema, exposureBatchMessageSchema, fallbackBatchMessageSchema, eventBatchMessageSchema, requestLogBatchMessageSchema, healthProbeMessageSchema]);
export type QueueMessage = z.infer<typeof queueMessageSchema>;
