/** Schemas shared by the admin console's routes (S4). */
import { z } from "@hono/zod-openapi";
import { UNSTORABLE_CHARACTERS } from "@xr2/shared";

const UNSTORABLE = new RegExp(UNSTORABLE_CHARACTERS.source);

export const userIdParam = z.object({ userId: z.string().min(1).max(64).openapi({ param: { name: "userId", in: "path" }, example: "usr_01j…" }) });

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional().openapi({ description: "next_cursor of the previous page" }),
};

/** Search text; NUL and lone surrogates are refused here, as Postgres would refuse them. */
export const searchQuery = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((text) => !UNSTORABLE.test(text), "must be Unicode text without NUL characters")
  .optional();

export const adminUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    is_platform_admin: z.boolean(),
    email_verified: z.boolean(),
    disabled_at: z.string().nullable(),
    last_login_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("AdminUser");

const personSchema = z.object({ id: z.string(), email: z.string(), name: z.string() });

export const adminWorkspaceSchema = z
  .object({ id: z.string(), name: z.string(), owner: personSchema, member_count: z.number().int(), created_at: z.string() })
  .openapi("AdminWorkspace");

const usageMetrics = {
  requests: z.number().int().openapi({ description: "get-prompt requests served (from the daily stats: as fresh as the last aggregation run)" }),
  events: z.number().int().openapi({ description: "Events received" }),
  llm_requests: z.number().int().openapi({ description: "LLM calls made through xR2 (playground, compare, failover attempts)" }),
  llm_cost_micros: z.number().int().openapi({ description: "Their cost, in millionths of a US dollar" }),
  reported_cost_micros: z.number().int().openapi({ description: "LLM cost the apps reported with their events (cost_usd), in millionths of a US dollar" }),
};

export const usageTotalsSchema = z.object({ from: z.string(), ...usageMetrics });

export const usageRowSchema = z.object({ day: z.string(), workspace_id: z.string(), workspace_name: z.string(), ...usageMetrics }).openapi("PlatformUsageDay");
export const usageWorkspaceSchema = z.object({ workspace_id: z.string(), workspace_name: z.string(), ...usageMetrics }).openapi("PlatformUsageWorkspace");
