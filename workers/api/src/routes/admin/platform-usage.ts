/** GET /api/admin/usage: usage per workspace per UTC day across the platform, as JSON or CSV (platform admin). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { PLATFORM_USAGE_MAX_DAYS, platformUsage, platformUsageExport } from "../../services/admin/platform-usage.ts";
import { exportResponse, requestedExportFormat } from "../../services/analytics/table-export.ts";
import { exportableContent, formatQuery } from "../analytics/schemas.ts";
import { usageRowSchema, usageWorkspaceSchema } from "./schemas.ts";

const DAY_MS = 86_400_000;
const EARLIEST_DAY = "2000-01-01";
const LATEST_DAY = "2999-12-31";

const route = createRoute({
  method: "get",
  path: "/api/admin/usage",
  tags: ["admin"],
  summary: "Requests, events and LLM cost per workspace per UTC day, with each workspace's totals; CSV with format=csv (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: {
    query: z.strictObject({
      from: z.iso.date().optional().openapi({ description: "First UTC day (default: 29 days before `to`)", example: "2026-11-01" }),
      to: z.iso.date().optional().openapi({ description: "Last UTC day, inclusive (default: today)", example: "2026-11-30" }),
      workspace_id: z.string().min(1).max(64).optional().openapi({ description: "Only this workspace" }),
      format: formatQuery,
    }),
  },
  responses: {
    200: {
      description: "Usage by day (days without usage are left out) and per workspace over the range, or the days as an attachment",
      content: exportableContent(z.object({ from: z.string(), to: z.string(), days: z.array(usageRowSchema), workspaces: z.array(usageWorkspaceSchema) }).openapi("PlatformUsage")),
    },
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN"),
  },
});

export const platformUsageRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const { format, ...query } = c.req.valid("query");
  const to = query.to ?? new Date().toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
  if (from > to) throw new ApiError("VALIDATION_FAILED", "`from` must not be after `to`");
  // Postgres has no year 0, and JavaScript writes years past 9999 in a form it does not read.
  if (from < EARLIEST_DAY || to > LATEST_DAY) throw new ApiError("VALIDATION_FAILED", `Days run from ${EARLIEST_DAY} to ${LATEST_DAY}`);
  if ((Date.parse(to) - Date.parse(from)) / DAY_MS + 1 > PLATFORM_USAGE_MAX_DAYS) throw new ApiError("VALIDATION_FAILED", `The range may span at most ${PLATFORM_USAGE_MAX_DAYS} days`);
  const input = { from, to, workspaceId: query.workspace_id };
  const exportFormat = requestedExportFormat(format, c.req.header("accept"));
  if (exportFormat) {
    return exportResponse(platformUsageExport({ ctx: c.get("ctx"), input }), { format: exportFormat, fileName: `platform-usage-${from}-${to}`, requestId: c.get("requestId") });
  }
  return c.json(await platformUsage({ ctx: c.get("ctx"), input }), 200);
});
