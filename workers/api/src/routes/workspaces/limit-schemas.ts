/** The public shapes of limits (E3, S4): GET /api/workspaces/{id}/limits and /api/admin/…/limits. */
import { z } from "@hono/zod-openapi";
import { limitNameEnum } from "@xr2/db/schema";

export const limitNameSchema = z.enum(limitNameEnum.enumValues).openapi("LimitName");

const limitFields = {
  name: limitNameSchema,
  value: z.number().int().nullable().openapi({ description: "null: no limit" }),
  unit: z.enum(["requests", "usd_micros", "prompts", "members", "workspaces"]),
  window_seconds: z.number().int().optional().openapi({ description: "Rate limits: the sliding window the value is counted over" }),
  description: z.string(),
};

export const limitUsageSchema = z
  .object({
    used: z.number().nullable().openapi({ description: "Used in the current period; null when it could not be read" }),
    period_start: z.string(),
    resets_at: z.string(),
  })
  .openapi("LimitUsage");

export const workspaceLimitSchema = z
  .object({
    ...limitFields,
    source: z.enum(["key", "workspace", "global", "default"]).openapi({ description: "workspace: set for this workspace; global: the platform default; default: built in" }),
    inherited: z.object({ value: z.number().int().nullable(), source: z.enum(["global", "default"]) }).openapi({ description: "What applies without the workspace's own value" }),
    usage: limitUsageSchema.optional(),
  })
  .openapi("WorkspaceLimit");

export const globalLimitSchema = z
  .object({
    ...limitFields,
    source: z.enum(["global", "default"]),
    built_in: z.number().int().nullable().openapi({ description: "The built-in default a global value replaces; null: none" }),
  })
  .openapi("GlobalLimit");

/** Rate limits of 0 would refuse every call; quotas and counts may be 0 (nothing allowed). */
const RATE_LIMIT_NAMES = new Set(["api_key_requests_per_minute", "workspace_requests_per_minute", "api_key_events_per_minute", "workspace_events_per_minute"]);

export const setLimitsBodySchema = z
  .strictObject({
    limits: z
      .partialRecord(limitNameSchema, z.number().int().min(0).max(1e15).nullable())
      .refine((limits) => Object.entries(limits).every(([name, value]) => !RATE_LIMIT_NAMES.has(name) || value === null || value === undefined || value >= 1), "rate limits must be at least 1")
      .openapi({ description: "A number sets the value; null removes it (falls back to the global value, or the built-in default)" }),
  })
  .openapi("SetLimits");
