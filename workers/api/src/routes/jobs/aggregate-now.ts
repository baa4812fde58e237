/**
 * POST /api/admin/jobs/aggregate (platform admin): runs the aggregation now, the same job QStash
 * runs on its schedule. With `from`/`to`, every hour of that range (at most 31 days; `to`
 * defaults to now, `from` to a day before `to`) is recomputed as well. With `workspace_ids`, only
 * those workspaces' hours are recomputed now (the rest wait for the next full run).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { AGGREGATION_LIMITS, runAggregation } from "../../services/aggregation/run-aggregation.ts";
import { countAggregationRun } from "../../services/metrics/count-aggregation-run.ts";
import { aggregationReportSchema } from "./schemas.ts";

const DAY_MS = 86_400_000;

const bodySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional().describe("Start of a range to recompute"),
  to: z.iso.datetime({ offset: true }).optional().describe("End of the range (exclusive); default now"),
  workspace_ids: z.array(z.string().min(1).max(64)).min(1).max(100).optional().describe("Recompute only these workspaces now"),
});

const route = createRoute({
  method: "post",
  path: "/api/admin/jobs/aggregate",
  tags: ["admin"],
  summary: "Run the aggregation into hourly and daily prompt stats now, optionally recomputing a range (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { body: { required: false, content: { "application/json": { schema: bodySchema } } } },
  responses: { 200: jsonResponse("What the run did", aggregationReportSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN") },
});

export const aggregateNowRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json") ?? {};
  const range = body.from === undefined && body.to === undefined ? undefined : rangeOf(body.from, body.to);
  return c.json(await countAggregationRun("admin", () => runAggregation({ ctx: c.get("ctx"), input: { range, actorUserId: c.get("user")!.id, workspaceIds: body.workspace_ids } })), 200);
});

function rangeOf(from: string | undefined, to: string | undefined): { from: string; to: string } {
  const end = to === undefined ? Date.now() : Date.parse(to);
  const start = from === undefined ? end - DAY_MS : Date.parse(from);
  if (!(start < end)) throw new ApiError("VALIDATION_FAILED", "'from' must be before 'to'");
  if (end - start > AGGREGATION_LIMITS.maxRangeDays * DAY_MS) throw new ApiError("VALIDATION_FAILED", `A range to recompute spans at most ${AGGREGATION_LIMITS.maxRangeDays} days`);
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}
