/** GET /api/analytics/prompt-stats: usage, errors, latency, conversions and cost over time (A3, A7). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { getPromptStats, GRANULARITIES, MAX_RANGE_DAYS, MAX_SERIES_ROWS, MAX_TOP_PROMPTS, PROMPT_STATS_TABLES, promptStatsExport } from "../../services/analytics/prompt-stats.ts";
import { exportResponse, requestedExportFormat } from "../../services/analytics/table-export.ts";
import { exportableContent, environmentQuery, formatQuery, fromQuery, metricsShape, objectIdQuery, toQuery, workspaceSelector } from "./schemas.ts";

const query = z.strictObject({
  ...workspaceSelector,
  prompt_id: objectIdQuery("pr_01j…").optional().openapi({ description: "One prompt; absent: the whole workspace, with its top prompts" }),
  version_id: objectIdQuery("pv_01j…").optional(),
  environment: environmentQuery.optional(),
  from: fromQuery,
  to: toQuery,
  granularity: z.enum(GRANULARITIES).default("day").openapi({ description: `Bucket width; ranges of at most ${MAX_RANGE_DAYS.hour} days hourly, ${MAX_RANGE_DAYS.day} daily` }),
  top: z.coerce.number().int().min(1).max(MAX_TOP_PROMPTS).default(10).openapi({ description: "How many top prompts (workspace-wide only)" }),
  table: z.enum(PROMPT_STATS_TABLES).default("series").openapi({ description: "Which table an export holds" }),
  format: formatQuery,
});

const answer = z
  .object({
    granularity: z.enum(GRANULARITIES),
    from: z.string(),
    to: z.string(),
    prompt_id: z.string().nullable(),
    version_id: z.string().nullable(),
    environment: environmentQuery.nullable(),
    totals: z.object(metricsShape),
    series: z.array(z.object({ bucket_start: z.string(), version_id: z.string().nullable().openapi({ description: "null in the workspace-wide series" }), ...metricsShape })),
    series_truncated: z.boolean().openapi({ description: `More than ${MAX_SERIES_ROWS} series rows; export for all of them` }),
    versions: z.array(z.object({ version_id: z.string(), version_number: z.number().nullable(), ...metricsShape })),
    top_prompts: z.array(z.object({ prompt_id: z.string(), slug: z.string().nullable(), name: z.string().nullable(), ...metricsShape })),
    providers: z.array(z.object({ provider: z.string(), model: z.string(), calls: z.number(), errors: z.number(), tokens_in: z.number(), tokens_out: z.number(), cost_micros: z.number() })),
    data_as_of: z.string().nullable().openapi({ description: "The aggregation's watermark: exposures and events received up to this instant are read into the figures; null before the first aggregation" }),
    hours_pending: z.number().int().openapi({ description: "Hours of this workspace read but not yet recomputed: their figures change on the next aggregation run" }),
  })
  .openapi("PromptStats");

const route = createRoute({
  method: "get",
  path: "/api/analytics/prompt-stats",
  tags: ["analytics"],
  summary: "Prompt statistics per bucket and version, totals, cost per conversion, top prompts and cost by provider",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: { query },
  responses: {
    200: { description: "The statistics, or one table of them as an attachment", content: exportableContent(answer) },
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const promptStatsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const { format, table, ...query } = c.req.valid("query");
  const input = {
    workspaceId: c.get("workspace")!.id,
    promptId: query.prompt_id,
    versionId: query.version_id,
    environment: query.environment,
    from: new Date(query.from),
    to: new Date(query.to),
    granularity: query.granularity,
    top: query.top,
  };
  const exportFormat = requestedExportFormat(format, c.req.header("accept"));
  if (exportFormat) {
    const exported = await promptStatsExport({ ctx: c.get("ctx"), input, table });
    return exportResponse(exported, { format: exportFormat, fileName: `${exported.name}-${query.from.slice(0, 10)}`, requestId: c.get("requestId") });
  }
  return c.json(await getPromptStats({ ctx: c.get("ctx"), input }), 200);
});
