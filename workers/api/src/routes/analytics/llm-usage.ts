/** GET /api/analytics/llm-usage: LLM cost, tokens and requests by provider and model, and per day (A3). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { getLlmUsage, LLM_USAGE_MAX_RANGE_DAYS, LLM_USAGE_TABLES, llmUsageExport } from "../../services/analytics/llm-usage.ts";
import { exportResponse, requestedExportFormat } from "../../services/analytics/table-export.ts";
import { exportableContent, formatQuery, fromQuery, objectIdQuery, toQuery, workspaceSelector } from "./schemas.ts";

const totals = { requests: z.number(), errors: z.number(), tokens_in: z.number(), tokens_out: z.number(), tokens_cached: z.number(), cost_micros: z.number() };
const modelRow = z.object({ provider: z.string(), model: z.string(), ...totals });

const route = createRoute({
  method: "get",
  path: "/api/analytics/llm-usage",
  tags: ["analytics"],
  summary: "LLM calls (playground, compare, failover attempts): requests, errors, tokens and cost by provider and model, and per UTC day",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: {
    query: z.strictObject({
      ...workspaceSelector,
      from: fromQuery,
      to: toQuery,
      provider: z.enum(["openai", "anthropic", "google"]).optional(),
      prompt_id: objectIdQuery("pr_01j…").optional(),
      table: z.enum(LLM_USAGE_TABLES).default("by_model").openapi({ description: "Which table an export holds" }),
      format: formatQuery,
    }),
  },
  responses: {
    200: {
      description: "The usage, or one table of it as an attachment",
      content: exportableContent(z.object({ from: z.string(), to: z.string(), totals: z.object(totals), by_model: z.array(modelRow), by_day: z.array(modelRow.extend({ day: z.string() })) }).openapi("LlmUsage")),
    },
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const llmUsageRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const { format, table, ...query } = c.req.valid("query");
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (to <= from) throw new ApiError("VALIDATION_FAILED", "`to` must be after `from`");
  if (to.getTime() - from.getTime() > LLM_USAGE_MAX_RANGE_DAYS * 86_400_000) throw new ApiError("VALIDATION_FAILED", `The range may span at most ${LLM_USAGE_MAX_RANGE_DAYS} days`);
  const input = { workspaceId: c.get("workspace")!.id, from, to, provider: query.provider, promptId: query.prompt_id };
  const exportFormat = requestedExportFormat(format, c.req.header("accept"));
  if (exportFormat) {
    const exported = llmUsageExport({ ctx: c.get("ctx"), input, table });
    return exportResponse(exported, { format: exportFormat, fileName: `${exported.name}-${query.from.slice(0, 10)}`, requestId: c.get("requestId") });
  }
  return c.json(await getLlmUsage({ ctx: c.get("ctx"), input }), 200);
});
