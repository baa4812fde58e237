/** GET /api/product-api-keys/{keyId}/requests: the key's recent Product API requests, refused ones included (S6). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listRequestLog } from "../../services/request-log/list-request-log.ts";
import { keyIdParam } from "./schemas.ts";

export const MAX_REQUEST_LOG_PAGE = 200;

const querySchema = z.strictObject({
  status: z
    .union([z.coerce.number().int().min(100).max(599), z.enum(["1xx", "2xx", "3xx", "4xx", "5xx"])])
    .optional()
    .openapi({ description: "An exact status (429) or a class (4xx)", example: "4xx" }),
  route: z.string().min(1).max(200).optional().openapi({ description: "The route pattern", example: "/api/v1/get-prompt/:slug" }),
  slug: z.string().min(1).max(200).optional(),
  trace_id: z.string().min(1).max(64).optional(),
  error_code: z.string().min(1).max(64).optional().openapi({ example: "VALIDATION_FAILED" }),
  source: z.enum(["sdk", "http"]).optional(),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: "Inclusive" }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: "Exclusive" }),
  limit: z.coerce.number().int().min(1).max(MAX_REQUEST_LOG_PAGE).default(50),
  cursor: z.string().min(1).max(200).optional().openapi({ description: "next_cursor of the previous page" }),
});

const entrySchema = z
  .object({
    id: z.string(),
    key_prefix: z.string().openapi({ description: "The key's prefix; the key itself is never logged" }),
    method: z.string(),
    route: z.string().openapi({ description: "The route pattern (never the raw path)", example: "/api/v1/get-prompt/:slug" }),
    slug: z.string().nullable(),
    status: z.number().int(),
    latency_ms: z.number().openapi({ description: "Time the edge spent on the request" }),
    error_code: z.string().nullable(),
    source: z.enum(["sdk", "http"]).openapi({ description: "sdk: an SDK's route or user agent; http: any other client" }),
    client: z.string().openapi({ description: "The user agent's family", example: "sdk-python" }),
    user_agent: z.string().nullable(),
    trace_id: z.string().nullable(),
    request_id: z.string(),
    received_at: z.string(),
  })
  .openapi("ApiRequestLogEntry");

const route = createRoute({
  method: "get",
  path: "/api/product-api-keys/{keyId}/requests",
  tags: ["api-keys"],
  summary: "The key's recent Product API requests, newest first, refused ones included (Admin); kept 30 days",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("api_keys.manage")] as const,
  request: { params: keyIdParam, query: querySchema },
  responses: {
    200: jsonResponse(
      "A page of requests; next_cursor is null on the last page",
      z.object({ requests: z.array(entrySchema), next_cursor: z.string().nullable(), retention_days: z.number().int() }),
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const listRequestLogRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const page = await listRequestLog({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      keyId: c.req.valid("param").keyId,
      status: query.status,
      route: query.route,
      slug: query.slug,
      traceId: query.trace_id,
      errorCode: query.error_code,
      source: query.source,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      limit: query.limit,
      cursor: query.cursor,
    },
  });
  return c.json(page, 200);
});
