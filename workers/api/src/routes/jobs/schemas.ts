import { z } from "@hono/zod-openapi";

export const aggregationReportSchema = z
  .object({
    batches: z.number(),
    hours_recomputed: z.number(),
    days_recomputed: z.number(),
    rows_changed: z.number().describe("Stats rows written or deleted because their numbers changed"),
    more: z.boolean().describe("Work was left: call again (the next scheduled run also continues it)"),
  })
  .openapi("AggregationReport");
