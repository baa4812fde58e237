/** GET /api/analytics/cohorts: units by first-exposure period and their retention of an event (A5). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { COHORT_PERIODS, cohortsExport, DEFAULT_COHORT_PERIODS, getCohorts, MAX_COHORT_PERIODS, MAX_COHORT_RANGE_DAYS } from "../../services/analytics/cohorts.ts";
import { exportResponse, requestedExportFormat } from "../../services/analytics/table-export.ts";
import { exportableContent, eventNameQuery, formatQuery, fromQuery, objectIdQuery, toQuery, workspaceSelector } from "./schemas.ts";

const query = z.strictObject({
  ...workspaceSelector,
  prompt_id: objectIdQuery("pr_01j…").optional().openapi({ description: "First exposure to this prompt; absent: to any prompt of the workspace" }),
  event_name: eventNameQuery.openapi({ description: "The event whose retention is measured" }),
  period: z.enum(COHORT_PERIODS).default("week").openapi({ description: "UTC days, or ISO weeks starting on Monday" }),
  periods: z.coerce.number().int().min(1).max(MAX_COHORT_PERIODS).default(DEFAULT_COHORT_PERIODS).openapi({ description: "Retention periods after each cohort's own (k = 0..periods-1)" }),
  from: fromQuery.openapi({ description: `First exposures from (inclusive); at most ${MAX_COHORT_RANGE_DAYS.day} days of daily or ${MAX_COHORT_RANGE_DAYS.week} of weekly cohorts` }),
  to: toQuery.openapi({ description: "First exposures until (exclusive)" }),
  format: formatQuery,
});

const answer = z
  .object({
    prompt_id: z.string().nullable(),
    event_name: z.string(),
    period: z.enum(COHORT_PERIODS),
    periods: z.number().int(),
    from: z.string(),
    to: z.string(),
    cohorts: z.array(
      z.object({
        cohort_start: z.string(),
        units: z.number().int(),
        retention: z.array(
          z.object({
            period: z.number().int(),
            units: z.number().int().openapi({ description: "Units of the cohort that did the event in this period" }),
            rate: z.number().nullable(),
            complete: z.boolean().openapi({ description: "The period has ended" }),
          }),
        ),
      }),
    ),
  })
  .openapi("Cohorts");

const route = createRoute({
  method: "get",
  path: "/api/analytics/cohorts",
  tags: ["analytics"],
  summary: "Cohorts of units (unit_id) by first-exposure period, with the share doing an event in each later period",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: { query },
  responses: {
    200: { description: "One row per cohort with its retention by period, or the table as an attachment", content: exportableContent(answer) },
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BUDGET_EXCEEDED"),
  },
});

export const cohortsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const { format, ...query } = c.req.valid("query");
  const input = {
    workspaceId: c.get("workspace")!.id,
    promptId: query.prompt_id,
    eventName: query.event_name,
    period: query.period,
    periods: query.periods,
    from: new Date(query.from),
    to: new Date(query.to),
  };
  const exportFormat = requestedExportFormat(format, c.req.header("accept"));
  if (exportFormat) return exportResponse(cohortsExport({ ctx: c.get("ctx"), input }), { format: exportFormat, fileName: `cohorts-${query.from.slice(0, 10)}`, requestId: c.get("requestId") });
  return c.json(await getCohorts({ ctx: c.get("ctx"), input }), 200);
});
