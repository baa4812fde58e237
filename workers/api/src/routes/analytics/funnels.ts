/** GET /api/analytics/funnels: ordered steps from a prompt exposure, conversion and drop-off per step and version (A4). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { DEFAULT_WINDOW_HOURS, funnelExport, getFunnel, MAX_FUNNEL_RANGE_DAYS, MAX_FUNNEL_STEPS, MAX_WINDOW_HOURS } from "../../services/analytics/funnels.ts";
import { exportResponse, requestedExportFormat } from "../../services/analytics/table-export.ts";
import { exportableContent, environmentQuery, eventNameQuery, formatQuery, fromQuery, objectIdQuery, toQuery, workspaceSelector } from "./schemas.ts";

const stepsQuery = z
  .string()
  .max(MAX_FUNNEL_STEPS * 101)
  .transform((text) => text.split(",").map((name) => name.trim()))
  .pipe(
    z
      .array(eventNameQuery)
      .min(1)
      .max(MAX_FUNNEL_STEPS, `at most ${MAX_FUNNEL_STEPS} steps`)
      .refine((names) => new Set(names).size === names.length, "each event name may appear once: a step is the first time a unit does that event"),
  )
  .openapi({ type: "string", description: `Comma-separated distinct event names in order, 1 to ${MAX_FUNNEL_STEPS}`, example: "signup,activated,purchase" });

const query = z.strictObject({
  ...workspaceSelector,
  prompt_id: objectIdQuery("pr_01j…"),
  steps: stepsQuery,
  from: fromQuery.openapi({ description: `Exposures from (inclusive); ranges of at most ${MAX_FUNNEL_RANGE_DAYS} days` }),
  to: toQuery.openapi({ description: "Exposures until (exclusive)" }),
  window_hours: z.coerce.number().int().min(1).max(MAX_WINDOW_HOURS).default(DEFAULT_WINDOW_HOURS).openapi({ description: "How long after a unit's first exposure its steps count" }),
  environment: environmentQuery.optional(),
  format: formatQuery,
});

const stepSchema = z.object({
  step: z.number().int(),
  event_name: z.string().nullable().openapi({ description: "null for step 0, the exposure" }),
  count: z.number().int().openapi({ description: "Units that reached this step" }),
  conversion_from_previous: z.number().nullable(),
  conversion_from_start: z.number().nullable(),
  drop_off: z.number().int().openapi({ description: "Units of the previous step that did not reach this one" }),
});

const answer = z
  .object({
    prompt_id: z.string(),
    steps: z.array(z.string()),
    from: z.string(),
    to: z.string(),
    window_hours: z.number().int(),
    environment: environmentQuery.nullable(),
    versions: z.array(z.object({ version_id: z.string(), version_number: z.number().nullable(), steps: z.array(stepSchema) })),
  })
  .openapi("Funnel");

const route = createRoute({
  method: "get",
  path: "/api/analytics/funnels",
  tags: ["analytics"],
  summary: "A funnel from a prompt's exposures through ordered events, per version: a unit (the exposure's unit_id, else its trace_id) makes a step when its first event of that name follows the previous step's, within the window",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: { query },
  responses: {
    200: { description: "Per version exposed in the range, step 0 (exposed units) then each step", content: exportableContent(answer) },
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BUDGET_EXCEEDED"),
  },
});

export const funnelsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const { format, ...query } = c.req.valid("query");
  const input = {
    workspaceId: c.get("workspace")!.id,
    promptId: query.prompt_id,
    steps: query.steps,
    from: new Date(query.from),
    to: new Date(query.to),
    windowHours: query.window_hours,
    environment: query.environment,
  };
  const exportFormat = requestedExportFormat(format, c.req.header("accept"));
  if (exportFormat) return exportResponse(funnelExport({ ctx: c.get("ctx"), input }), { format: exportFormat, fileName: `funnel-${query.prompt_id}-${query.from.slice(0, 10)}`, requestId: c.get("requestId") });
  return c.json(await getFunnel({ ctx: c.get("ctx"), input }), 200);
});
