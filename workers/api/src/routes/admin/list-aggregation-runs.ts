/** GET /api/admin/jobs/aggregation-runs: the aggregation job's recent runs, scheduled and on demand (platform admin). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { listAggregationRuns } from "../../services/admin/list-aggregation-runs.ts";
import { pageQuery } from "./schemas.ts";

const runSchema = z
  .object({
    id: z.string(),
    trigger: z.enum(["schedule", "admin"]),
    actor: z.object({ id: z.string(), email: z.string() }).nullable(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    status: z.enum(["running", "succeeded", "failed"]).openapi({ description: "running: not finished (or stopped without a trace)" }),
    batches: z.number().int(),
    hours_recomputed: z.number().int(),
    days_recomputed: z.number().int(),
    rows_changed: z.number().int(),
    more: z.boolean().nullable().openapi({ description: "Work was left for the next run" }),
    error: z.string().nullable(),
  })
  .openapi("AggregationRun");

const route = createRoute({
  method: "get",
  path: "/api/admin/jobs/aggregation-runs",
  tags: ["admin"],
  summary: "The aggregation job's runs, newest first (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { query: z.strictObject(pageQuery) },
  responses: {
    200: jsonResponse("A page of runs; next_cursor is null on the last page", z.object({ runs: z.array(runSchema), next_cursor: z.string().nullable() })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN"),
  },
});

export const listAggregationRunsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => c.json(await listAggregationRuns({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200));
