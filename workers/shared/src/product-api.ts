/**
 * The Product API's public contract (the edge worker's routes): one set of zod schemas that the
 * edge validates with and the API worker's OpenAPI document is generated from.
 */
import * as z from "zod";
import { chatMessageSchema, ENVIRONMENTS, projectedExperimentSchema, servedVersionSchema } from "./kv.ts";

export const PRODUCT_API_LIMITS = {
  variables: 100,
  variableValueChars: 10_000,
  postBodyBytes: 64 * 1024,
  // Business events (E4). A full batch of the largest events, once normalised (event_id and
  // occurred_at added), still fits one queue message (QUEUE_LIMITS.eventMessageBytes).
  eventsPerBatch: 100,
  /** POST /api/v1/events/batch: larger bodies answer 413. */
  eventsBatchBodyBytes: 100 * 1024,
  /** POST /api/v1/events: larger bodies answer 413. */
  eventBodyBytes: 8 * 1024,
  /** One event as queued (JSON), fields included. */
  eventBytes: 4 * 1024,
  eventFields: 32,
  eventFieldValueChars: 1024,
  eventNameChars: 64,
  eventIdChars: 128,
  /** How far a client's timestamp may lie behind or ahead of the edge's clock. */
  eventMaxAgeDays: 365,
  eventMaxFutureSeconds: 24 * 3600,
} as const;

// Case-insensitive by its character classes, not by a flag: the OpenAPI document carries the
// pattern's source alone, and a flag in it would be lost (or, worse, become part of the pattern).
export const slugSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "slug must be 1-128 letters, digits, '-', '_' or '.'");

/** A NUL character, or half of a UTF-16 surrogate pair without its other half: text Postgres refuses. */
export const UNSTORABLE_CHARACTERS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const UNSTORABLE = new RegExp(UNSTORABLE_CHARACTERS.source);
/** Postgres stores neither NUL nor lone surrogates in text or jsonb; refused here rather than by the database. */
const isStorableText = (value: string) => !UNSTORABLE.test(value);
const STORABLE_TEXT = "must be Unicode text without NUL characters";

export const getPromptQuerySchema = z.object({
  env: z.enum(ENVIRONMENTS).default("production"),
  source: z.string().max(64).refine(isStorableText, STORABLE_TEXT).optional(),
  format: z.enum(["json", "text"]).default("json"),
  unit_id: z.string().min(1).max(128).refine(isStorableText, STORABLE_TEXT).optional(),
});

const scalarSchema = z.union([z.string().max(PRODUCT_API_LIMITS.variableValueChars), z.number(), z.boolean()]);

export const variableValuesSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "variable names are identifiers"), scalarSchema)
  .refine((values) => Object.keys(values).length <= PRODUCT_API_LIMITS.variables, `at most ${PRODUCT_API_LIMITS.variables} variables`);

export const getPromptBodySchema = z.strictObject({ variables: variableValuesSchema.default({}) });

export const getPromptResponseSchema = z.object({
  slug: z.string(),
  prompt_id: z.string(),
  version_id: z.string(),
  version: z.number().int(),
  environment: z.enum(ENVIRONMENTS),
  content: z.string().nullable(),
  messages: z.array(chatMessageSchema).nullable(),
  model_config: z.record(z.string(), z.unknown()),
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  trace_id: z.string(),
  variant: z.string().optional(),
});
export type GetPromptResponse = z.infer<typeof getPromptResponseSchema>;

// Business events (E4): POST /api/v1/events and POST /api/v1/events/batch.

export const eventNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.:-]*$/, "event_name must be lower-case letters, digits, '_', '.', ':' or '-', starting with a letter or digit")
  .max(PRODUCT_API_LIMITS.eventNameChars, `event_name must be at most ${PRODUCT_API_LIMITS.eventNameChars} characters`);

export const eventFieldNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "field names are identifiers of at most 64 characters");


export const eventCategorySchema = z.string().trim().min(1).max(64).refine(isStorableText, STORABLE_TEXT);

export const eventFieldValueSchema = z.union([
  z
    .string()
    .max(PRODUCT_API_LIMITS.eventFieldValueChars, `string values are at most ${PRODUCT_API_LIMITS.eventFieldValueChars} characters`)
    .refine(isStorableText, `string values ${STORABLE_TEXT}`),
  z.number(),
  z.boolean(),
  z.null(),
]);

/** One event as a client sends it. */
export const eventInputSchema = z.strictObject({
  event_id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, "event_id must be letters, digits, '_', '.', ':' or '-'")
    .max(PRODUCT_API_LIMITS.eventIdChars, `event_id must be at most ${PRODUCT_API_LIMITS.eventIdChars} characters`)
    .optional()
    .describe("Your id for deduplication; derived from the event's content when absent"),
  trace_id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, "trace_id must be the trace_id a get-prompt answered (at most 64 characters)")
    .describe("The trace_id of the get-prompt answer this event follows"),
  event_name: eventNameSchema,
  category: eventCategorySchema.nullable().optional().describe("Defaults to the event definition's category"),
  fields: z
    .record(eventFieldNameSchema, eventFieldValueSchema)
    .refine((fields) => Object.keys(fields).length <= PRODUCT_API_LIMITS.eventFields, `at most ${PRODUCT_API_LIMITS.eventFields} fields`)
    .default({}),
  timestamp: z
    .union([z.iso.datetime({ offset: true }), z.number().int().positive()])
    .optional()
    .describe("When it happened: ISO 8601 with offset, or Unix milliseconds; the time of receipt when absent"),
});
export type EventInput = z.input<typeof eventInputSchema>;

/**
 * The batch as the edge parses it: the items are checked one by one (acceptEvent), so that an
 * invalid item gets its own error in the answer instead of failing the whole batch.
 */
export const eventsBatchBodySchema = z.strictObject({
  events: z.array(z.unknown()),
});

/** The batch as documented: what a client should send (the edge answers per item to invalid ones, 413 past the limit). */
export const eventsBatchDocumentedBodySchema = z.strictObject({
  events: z
    .array(eventInputSchema)
    .min(1)
    .max(PRODUCT_API_LIMITS.eventsPerBatch)
    .describe(`1 to ${PRODUCT_API_LIMITS.eventsPerBatch} events, each shaped like the body of POST /api/v1/events; an invalid one is answered in its result and does not stop the others`),
});

export const eventAcceptedResponseSchema = z.object({
  accepted: z.literal(true),
  event_id: z.string(),
  /** False when the workspace has no definition of this event_name (accepted unvalidated). */
  declared: z.boolean(),
});
export type EventAcceptedResponse = z.infer<typeof eventAcceptedResponseSchema>;

export const eventItemResultSchema = z.object({
  index: z.number().int(),
  /** The event's id; null for a rejected item without a usable event_id. */
  event_id: z.string().nullable(),
  accepted: z.boolean(),
  declared: z.boolean().optional(),
  error: z.object({ code: z.enum(["VALIDATION_FAILED", "PAYLOAD_TOO_LARGE"]), message: z.string() }).optional(),
});
export type EventItemResult = z.infer<typeof eventItemResultSchema>;

export const eventsBatchResponseSchema = z.object({ results: z.array(eventItemResultSchema) });
export type EventsBatchResponse = z.infer<typeof eventsBatchResponseSchema>;

// What SDKs fetch (D2): published prompts unrendered, one or the whole environment (the bundle),
// and the exposures of what they then rendered themselves.

export const SDK_LIMITS = {
  /** GET /api/v1/prompts answers 422 past this many bytes of JSON: fetch fewer slugs at once. */
  bundleBytes: 5 * 1024 * 1024,
  /** `slug=` filters of one bundle request. */
  bundleSlugs: 100,
  /** Exposures of one POST /api/v1/exposures: an SDK sends one request per this many calls. */
  exposuresPerBatch: 500,
  /**
   * POST /api/v1/exposures: larger bodies answer 413. 500 exposures with every field at its
   * longest (a 128-character slug and unit_id, 64-character ids, variant, source and error code,
   * a 40-character served_at) take 478,516 bytes; the cap leaves room for spacing, not for
   * escaping every character (such a request is refused, and an SDK splits it on 413).
   */
  exposuresBodyBytes: 512 * 1024,
} as const;

/** One published prompt as an SDK caches it: the served version's template, not a rendering. */
export const promptDocumentSchema = z.object({
  slug: z.string(),
  prompt_id: z.string(),
  environment: z.enum(ENVIRONMENTS),
  ...servedVersionSchema.shape,
  published_at: z.string(),
  experiment: projectedExperimentSchema.nullable().describe("The running experiment, whose variants a unit_id is assigned to locally; null when none runs"),
});
export type PromptDocument = z.infer<typeof promptDocumentSchema>;

export const promptDocumentQuerySchema = z.object({ env: z.enum(ENVIRONMENTS).default("production") });

export const promptBundleQuerySchema = z.object({
  env: z.enum(ENVIRONMENTS).default("production"),
  slug: z
    .array(slugSchema)
    .max(SDK_LIMITS.bundleSlugs, `at most ${SDK_LIMITS.bundleSlugs} slug filters`)
    .optional()
    .describe("Only these prompts (repeat the parameter); every published prompt when absent"),
});

export const promptBundleSchema = z.object({
  environment: z.enum(ENVIRONMENTS),
  prompts: z.array(promptDocumentSchema),
});
export type PromptBundle = z.infer<typeof promptBundleSchema>;

/** How an SDK served a prompt: from xR2 just now, its cache (fresh or past its TTL), the bundle it started with, or the app's own fallback text. */
export const SERVED_ORIGINS = ["network", "cache", "stale", "bootstrap", "fallback"] as const;
export type ServedOrigin = (typeof SERVED_ORIGINS)[number];

/** A trace id minted by an SDK: `tr_` and a lower-case ULID, as the edge mints them. */
export const sdkTraceIdSchema = z.string().regex(/^tr_[0-9a-hjkmnp-tv-z]{26}$/, "trace_id must be 'tr_' followed by a lower-case ULID (26 characters)");

const idSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_]+$/, "must be an id xR2 answered");

/** One exposure as an SDK reports it. */
export const exposureInputSchema = z
  .strictObject({
    trace_id: sdkTraceIdSchema,
    origin: z.enum(SERVED_ORIGINS),
    slug: slugSchema,
    prompt_id: idSchema.nullable().optional().describe("Required unless origin is fallback"),
    version_id: idSchema.nullable().optional().describe("Required unless origin is fallback"),
    environment: z.enum(ENVIRONMENTS),
    served_at: z.iso.datetime({ offset: true }).max(40, "served_at: ISO 8601 with at most microseconds, e.g. 2026-12-06T09:00:00.123Z"),
    status: z.enum(["success", "error"]).default("success"),
    error_code: z.string().max(64).regex(/^[A-Z_]+$/, "error_code must be an upper-case code such as VALIDATION_FAILED").nullable().optional(),
    unit_id: z.string().min(1).max(128).refine(isStorableText, STORABLE_TEXT).nullable().optional(),
    variant: z.string().min(1).max(64).refine(isStorableText, STORABLE_TEXT).nullable().optional(),
    experiment_id: idSchema.nullable().optional(),
    source: z.string().max(64).refine(isStorableText, STORABLE_TEXT).nullable().optional(),
    latency_ms: z.number().nonnegative().max(3_600_000).optional().describe("Time the SDK spent serving it"),
  })
  .superRefine((item, context) => {
    if (item.origin === "fallback") {
      if (item.prompt_id || item.version_id || item.variant || item.experiment_id) context.addIssue({ code: "custom", message: "a fallback carries no prompt_id, version_id, variant or experiment_id: the app served its own text" });
    } else if (!item.prompt_id || !item.version_id) {
      context.addIssue({ code: "custom", message: `prompt_id and version_id are required for origin '${item.origin}'` });
    }
    if ((item.variant == null) !== (item.experiment_id == null)) context.addIssue({ code: "custom", message: "variant and experiment_id go together" });
  });
export type ExposureInput = z.input<typeof exposureInputSchema>;

/** The request as the edge parses it: items are checked one by one, so one invalid item is refused alone. */
export const exposuresBodySchema = z.strictObject({ exposures: z.array(z.unknown()) });

export const exposuresDocumentedBodySchema = z.strictObject({
  exposures: z.array(exposureInputSchema).min(1).max(SDK_LIMITS.exposuresPerBatch).describe(`1 to ${SDK_LIMITS.exposuresPerBatch} exposures; an invalid one is answered in its result and does not stop the others`),
});

export const exposureItemResultSchema = z.object({
  index: z.number().int(),
  trace_id: z.string().nullable(),
  accepted: z.boolean(),
  error: z.object({ code: z.enum(["VALIDATION_FAILED", "NOT_FOUND"]), message: z.string() }).optional(),
});
export type ExposureItemResult = z.infer<typeof exposureItemResultSchema>;

export const exposuresResponseSchema = z.object({ results: z.array(exposureItemResultSchema) });
export type ExposuresResponse = z.infer<typeof exposuresResponseSchema>;
