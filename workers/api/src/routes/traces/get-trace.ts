/** GET /api/traces/{traceId}: one get-prompt answer with every event attributed to it. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { getTrace } from "../../services/traces/get-trace.ts";
import { traceIdParam, traceSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/traces/{traceId}",
  tags: ["traces"],
  summary: "One trace: the get-prompt answer (values, re-rendered text, version, variant, latency) and its events",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: { params: traceIdParam },
  responses: {
    200: jsonResponse("The trace; exposure is null when only events carry this trace id", traceSchema),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const getTraceRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await getTrace({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, traceId: c.req.valid("param").traceId } }), 200),
);
