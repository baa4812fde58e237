/** GET /api/analytics/experiments/{experimentId}: per-variant results of an experiment (A6), also as CSV or JSON export. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { CONFIDENCE_LEVEL, experimentResultsExport, getExperimentResults } from "../../services/analytics/experiment-results.ts";
import { exportResponse, requestedExportFormat } from "../../services/analytics/table-export.ts";
import { exportableContent, formatQuery, workspaceSelector } from "./schemas.ts";

const params = z.object({ experimentId: z.string().max(64).openapi({ param: { name: "experimentId", in: "path" }, example: "exp_01j…" }) });
const query = z.strictObject({ ...workspaceSelector, format: formatQuery });

const percent = `${CONFIDENCE_LEVEL * 100} %`;
const variantSchema = z.object({
  key: z.string(),
  version_id: z.string(),
  version_number: z.number().int(),
  is_control: z.boolean(),
  weight: z.number().int(),
  expected_share: z.number().openapi({ description: "weight / total weight" }),
  exposures: z.number().int().openapi({ description: "get-prompt answers recorded for the variant" }),
  units: z.number().int().openapi({ description: "Distinct unit_ids exposed to the variant" }),
  conversions: z.number().int().openapi({ description: "Units with a primary event on the trace_id of one of their exposures, up to stopped_at" }),
  conversion_rate: z.number().openapi({ description: "conversions / units (0 without units)" }),
  lift: z.number().nullable().openapi({ description: "Relative to the control; null for the control and when undefined" }),
  ci_low: z.number().nullable().openapi({ description: `${percent} confidence interval of the lift` }),
  ci_high: z.number().nullable(),
  p_value: z.number().nullable().openapi({ description: "Two-sided two-proportion z-test against the control" }),
  probability_to_beat_control: z.number().nullable().openapi({ description: "Bayesian, Beta(1, 1) priors" }),
});

const answer = z
  .object({
    experiment_id: z.string(),
    name: z.string(),
    prompt_id: z.string(),
    environment: z.string(),
    status: z.enum(["draft", "running", "stopped"]),
    primary_event: z.string(),
    started_at: z.string().nullable(),
    stopped_at: z.string().nullable(),
    confidence_level: z.number(),
    variants: z.array(variantSchema),
    srm_chi_square: z.number(),
    srm_p_value: z.number().openapi({ description: "Sample-ratio-mismatch chi-square test of units against the weights; below 0.001 the split is broken and the results untrustworthy" }),
  })
  .openapi("ExperimentResults");

const route = createRoute({
  method: "get",
  path: "/api/analytics/experiments/{experimentId}",
  tags: ["analytics"],
  summary: "An experiment's results per variant: conversion on the primary event, lift with its confidence interval, p-value, probability to beat control, sample-ratio check",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: { params, query },
  responses: {
    200: { description: "Results; the control comes first", content: exportableContent(answer) },
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BUDGET_EXCEEDED"),
  },
});

export const experimentResultsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const input = { workspaceId: c.get("workspace")!.id, experimentId: c.req.valid("param").experimentId };
  const exportFormat = requestedExportFormat(c.req.valid("query").format, c.req.header("accept"));
  if (exportFormat) return exportResponse(experimentResultsExport({ ctx: c.get("ctx"), input }), { format: exportFormat, fileName: `experiment-${input.experimentId}`, requestId: c.get("requestId") });
  return c.json(await getExperimentResults({ ctx: c.get("ctx"), input }), 200);
});
