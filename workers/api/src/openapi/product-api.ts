/**
 * The edge worker's Product API in the same OpenAPI document as the management API: the edge
 * stays a lean plain-Hono worker, and its request/response schemas live in the shared package,
 * from which both its validation and these definitions come.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import { getPromptBodySchema, getPromptQuerySchema, getPromptResponseSchema, slugSchema } from "@xr2/shared";
import type { ApiHono } from "../app.ts";
import { errorResponses, jsonResponse } from "./responses.ts";

export function registerProductApi(app: OpenAPIHono<ApiHono>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer", description: "A Product API key (xr2_live_…)" });
  const common = {
    path: "/api/v1/get-prompt/{slug}",
    tags: ["product api (edge)"],
    security: [{ apiKey: [] }],
    responses: {
      200: {
        ...jsonResponse("The rendered prompt and its trace id (format=json), or the text alone (format=text)", getPromptResponseSchema),
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
}
