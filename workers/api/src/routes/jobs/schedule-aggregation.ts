/**
 * POST /api/admin/jobs/schedule (platform admin): registers the QStash schedule that runs the
 * aggregation every five minutes. Idempotent: calling it again updates the one schedule.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { ensureAggregationSchedule } from "../../services/aggregation/ensure-aggregation-schedule.ts";

const scheduleSchema = z.object({ schedule_id: z.string(), destination: z.string(), cron: z.string() }).openapi("AggregationSchedule");

const route = createRoute({
  method: "post",
  path: "/api/admin/jobs/schedule",
  tags: ["admin"],
  summary: "Register (or update) the QStash schedule of the aggregation job (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  responses: {
    200: jsonResponse("The schedule as registered", scheduleSchema),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "MISCONFIGURED", "DEPENDENCY_UNAVAILABLE"),
  },
});

export const scheduleAggregationRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await ensureAggregationSchedule({ ctx: c.get("ctx"), input: { actorUserId: c.get("user")!.id } }), 200),
);
