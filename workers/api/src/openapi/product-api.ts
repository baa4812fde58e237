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
  PRODUCT_API_LIMITS,
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
      ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "DEPENDENCY_UNAVAILABLE"),
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
      ...errorResponses("BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "DEPENDENCY_UNAVAILABLE"),
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
      ...errorResponses("BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "DEPENDENCY_UNAVAILABLE"),
    },
  });
}
