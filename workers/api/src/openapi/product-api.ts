/**
 * The edge worker's Product API in the same OpenAPI document as the management API: the edge
 * stays a lean plain-Hono worker, and its request/response schemas live in the shared package,
 * from which both its validation and these definitions come.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import {
  eventAcceptedResponseSchema,
  eventInputSchema,
  eventsBatchDocumentedBodySchema,
  eventsBatchResponseSchema,
  getPromptBodySchema,
  getPromptQuerySchema,
  getPromptResponseSchema,
  exposuresDocumentedBodySchema,
  exposuresResponseSchema,
  PRODUCT_API_LIMITS,
  promptBundleQuerySchema,
  promptBundleSchema,
  promptDocumentQuerySchema,
  promptDocumentSchema,
  SDK_LIMITS,
  slugSchema,
} from "@xr2/shared";
import type { ApiHono } from "../app.ts";
import { errorResponses, jsonResponse } from "./responses.ts";

/** The Product API is served by the edge worker, not by the API worker the document's own servers name. */
const EDGE_SERVERS = [
  {
    url: "{edgeOrigin}",
    description: "The edge worker",
    variables: { edgeOrigin: { default: "http://127.0.0.1:8787", description: "The edge worker's origin: http://127.0.0.1:8787 in the local stack (npm run dev), the edge hostname when deployed" } },
  },
];

export function registerProductApi(app: OpenAPIHono<ApiHono>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer", description: "A Product API key (xr2_live_…)" });
  const common = {
    path: "/api/v1/get-prompt/{slug}",
    tags: ["product api (edge)"],
    servers: EDGE_SERVERS,
    security: [{ apiKey: [] }],
    responses: {
      200: {
        description: "The rendered prompt and its trace id (format=json), or the text alone (format=text; a chat prompt's messages as `role: content` paragraphs)",
        content: { "application/json": { schema: getPromptResponseSchema }, "text/plain": { schema: z.string() } },
        headers: { "x-trace-id": { schema: { type: "string" as const } }, "ratelimit-remaining": { schema: { type: "integer" as const } } },
      },
      ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "DEPENDENCY_UNAVAILABLE", "QUOTA_EXCEEDED"),
    },
  };
  const query = getPromptQuerySchema.extend({
    "var.name": z.string().optional().openapi({ description: "One `var.<name>=value` parameter per template variable" }),
  });
  app.openAPIRegistry.registerPath({
    ...common,
    method: "get",
    summary: "Fetch the published version of a prompt, rendered with var.<name> values",
    request: { params: z.object({ slug: slugSchema }), query },
  });
  app.openAPIRegistry.registerPath({
    ...common,
    method: "post",
    summary: "Fetch the published version of a prompt, rendered with the body's variables",
    request: { params: z.object({ slug: slugSchema }), query: getPromptQuerySchema, body: { required: true, content: { "application/json": { schema: getPromptBodySchema } } } },
  });
  registerEvents(app);
  registerSdkApi(app);
}

const EVENT_RULES = [
  "Events of a name the workspace has defined (/api/event-definitions) must match the definition: required fields present, every field declared and of its type, the defined category.",
  "Events of other names are accepted as they are and answered with declared: false.",
  "Without an event_id, the id is derived from the workspace, trace_id, event_name, fields and timestamp (SHA-256), so resending the same event stores it once; send an event_id or a timestamp to record two identical events of one trace.",
  `Limits: ${PRODUCT_API_LIMITS.eventFields} fields, string values of ${PRODUCT_API_LIMITS.eventFieldValueChars} characters, ${PRODUCT_API_LIMITS.eventBytes} bytes per event.`,
  "202 means the event is on the queue and will be stored exactly once; 503 means nothing was accepted: retry the same request.",
].join(" ");

function registerEvents(app: OpenAPIHono<ApiHono>): void {
  const common = { tags: ["product api (edge)"], servers: EDGE_SERVERS, security: [{ apiKey: [] }] };
  app.openAPIRegistry.registerPath({
    ...common,
    method: "post",
    path: "/api/v1/events",
    summary: "Record a business event tagged with the trace_id of a get-prompt answer (scope events:write)",
    description: `${EVENT_RULES} Bodies over ${PRODUCT_API_LIMITS.eventBodyBytes} bytes answer 413.`,
    request: { body: { required: true, content: { "application/json": { schema: eventInputSchema } } } },
    responses: {
      202: jsonResponse("Accepted: queued for storage", eventAcceptedResponseSchema),
      ...errorResponses("BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "DEPENDENCY_UNAVAILABLE", "QUOTA_EXCEEDED"),
    },
  });
  app.openAPIRegistry.registerPath({
    ...common,
    method: "post",
    path: "/api/v1/events/batch",
    summary: `Record up to ${PRODUCT_API_LIMITS.eventsPerBatch} business events at once, with a result per event (scope events:write)`,
    description: `${EVENT_RULES} The answer is 202 with one result per event, in order: invalid events carry an error and do not stop the valid ones. More than ${PRODUCT_API_LIMITS.eventsPerBatch} events or a body over ${PRODUCT_API_LIMITS.eventsBatchBodyBytes} bytes answer 413.`,
    request: { body: { required: true, content: { "application/json": { schema: eventsBatchDocumentedBodySchema } } } },
    responses: {
      202: jsonResponse("Processed: see each result's accepted and error", eventsBatchResponseSchema),
      ...errorResponses("BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "DEPENDENCY_UNAVAILABLE", "QUOTA_EXCEEDED"),
    },
  });
}

/** What the SDKs fetch and report (D2): unrendered prompts with ETags, and their exposures. */
function registerSdkApi(app: OpenAPIHono<ApiHono>): void {
  const common = { tags: ["product api (edge)"], servers: EDGE_SERVERS, security: [{ apiKey: [] }] };
  const etagHeaders = {
    etag: { schema: { type: "string" as const }, description: "Send it back as If-None-Match: an unchanged answer is 304 without a body" },
    "ratelimit-remaining": { schema: { type: "integer" as const } },
  };
  const ifNoneMatch = z.object({ "if-none-match": z.string().optional().openapi({ description: "The ETag of the answer you hold" }) });
  const notModified = { 304: { description: "Not modified: the ETag sent in If-None-Match is still current", headers: { etag: etagHeaders.etag } } };
  app.openAPIRegistry.registerPath({
    ...common,
    method: "get",
    path: "/api/v1/prompts/{slug}",
    summary: "Fetch the published version of a prompt unrendered, with its running experiment, for an SDK to render (scope prompts:read)",
    description: "The template or chat messages, variables and model config of the version an environment serves, and the running experiment's variants with theirs: what an SDK caches, assigns and renders locally, exactly as get-prompt would. Cheap to poll with If-None-Match.",
    request: { params: z.object({ slug: slugSchema }), query: promptDocumentQuerySchema, headers: ifNoneMatch },
    responses: {
      200: { description: "The published prompt, unrendered", content: { "application/json": { schema: promptDocumentSchema } }, headers: etagHeaders },
      ...notModified,
      ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "DEPENDENCY_UNAVAILABLE", "QUOTA_EXCEEDED"),
    },
  });
  app.openAPIRegistry.registerPath({
    ...common,
    method: "get",
    path: "/api/v1/prompts",
    summary: "Fetch every prompt published to an environment in one document, the bundle an app can ship as its last-known-good start (scope prompts:read)",
    description: `Each prompt as GET /api/v1/prompts/{slug} answers it, in slug order; repeat slug= to ask for some only (at most ${SDK_LIMITS.bundleSlugs}). Past ${SDK_LIMITS.bundleBytes} bytes the answer is 422 RESPONSE_TOO_LARGE: ask for fewer.`,
    request: { query: promptBundleQuerySchema, headers: ifNoneMatch },
    responses: {
      200: { description: "The bundle", content: { "application/json": { schema: promptBundleSchema } }, headers: etagHeaders },
      ...notModified,
      ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "RESPONSE_TOO_LARGE", "DEPENDENCY_UNAVAILABLE", "QUOTA_EXCEEDED"),
    },
  });
  app.openAPIRegistry.registerPath({
    ...common,
    method: "post",
    path: "/api/v1/exposures",
    summary: `Report up to ${SDK_LIMITS.exposuresPerBatch} prompts an SDK served itself, with a result per exposure (scope prompts:read)`,
    description: [
      "What an SDK rendered locally (origin network, cache, stale or bootstrap) is stored like get-prompt's own exposures, so dashboards, funnels and experiments count it alike; a fallback (the app's own text, no version) is counted apart.",
      "Every version and experiment must be the key's workspace's (another workspace's answers NOT_FOUND in its result), the version of the prompt named, and the variant the experiment's for that version.",
      "Stored once per trace_id of the workspace: after a timeout or a 503, send the same request again.",
      `The answer is 202 with one result per exposure, in order; more than ${SDK_LIMITS.exposuresPerBatch} exposures or a body over ${SDK_LIMITS.exposuresBodyBytes} bytes answer 413.`,
    ].join(" "),
    request: { body: { required: true, content: { "application/json": { schema: exposuresDocumentedBodySchema } } } },
    responses: {
      202: jsonResponse("Processed: see each result's accepted and error", exposuresResponseSchema),
      ...errorResponses("BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "DEPENDENCY_UNAVAILABLE"),
    },
  });
}
