/** Query pieces and answer shapes the analytics routes share. */
import { z } from "@hono/zod-openapi";
import { ENVIRONMENTS } from "@xr2/shared";
import { EXPORT_FORMATS, EXPORT_ROW_LIMIT } from "../../services/analytics/table-export.ts";

/** Documents the workspace_id query parameter, which workspaceAccess reads (and removes before validation). */
export const workspaceSelector = { workspace_id: z.string().max(64).optional().openapi({ description: "The workspace, instead of the X-Workspace-Id header" }) };

export const objectIdQuery = (example: string) => z.string().min(1).max(64).openapi({ example });
export const environmentQuery = z.enum(ENVIRONMENTS);
export const fromQuery = z.iso.datetime({ offset: true }).openapi({ description: "Inclusive", example: "2025-01-01T00:00:00Z" });
export const toQuery = z.iso.datetime({ offset: true }).openapi({ description: "Exclusive", example: "2025-02-01T00:00:00Z" });
/** An event name as the ingestion stores it; a comma would split a list of steps. */
export const eventNameQuery = z.string().min(1).max(100).openapi({ example: "signup" });

export const formatQuery = z.enum(EXPORT_FORMATS).optional().openapi({
  description: `Download the table as a streamed attachment instead of the JSON answer (also chosen by \`Accept: text/csv\`); at most ${EXPORT_ROW_LIMIT.toLocaleString("en")} rows, stated in the X-Export-Row-Limit header`,
});

/** The envelope of a JSON export (format=json), streamed by services/analytics/table-export.ts. */
export const tableExportSchema = z
  .object({
    rows: z.array(z.record(z.string(), z.unknown())),
    row_count: z.number().int(),
    row_limit: z.number().int(),
    truncated: z.boolean().openapi({ description: "True when the export stopped at row_limit" }),
  })
  .openapi("TableExport");

/**
 * A 200's content for an endpoint with exports: in JSON the endpoint's answer, or with
 * format=json the export's envelope; with format=csv (or Accept: text/csv) the CSV.
 */
export function exportableContent<S extends z.ZodType>(answer: S) {
  return {
    "application/json": { schema: z.union([answer, tableExportSchema]) },
    "text/csv": { schema: z.string().openapi({ description: "RFC 4180 CSV with a header row" }) },
  } as const;
}

export const metricsShape = {
  requests: z.number(),
  errors: z.number(),
  error_rate: z.number().nullable(),
  latency_p50_ms: z.number().nullable(),
  latency_p95_ms: z.number().nullable(),
  latency_p99_ms: z.number().nullable(),
  events: z.number(),
  conversions: z.number(),
  conversion_rate: z.number().nullable().openapi({ description: "Conversion events (category 'conversion') per request; a request whose trace converts twice counts twice, so it can exceed 1" }),
  tokens_in: z.number(),
  tokens_out: z.number(),
  cost_micros: z.number(),
  cost_per_conversion_micros: z.number().nullable().openapi({ description: "cost_micros / conversions (ROI, A7); null without conversions" }),
};
