/** The public shapes of /api/alerts and /api/notifications (issue #18). */
import { z } from "@hono/zod-openapi";
import { ENVIRONMENTS } from "@xr2/shared";
import { ALERT_LIMITS, ALERT_METRICS } from "../../services/alerts/alert-rule-view.ts";
import type { AlertRuleDefinition } from "../../services/alerts/check-alert-rule.ts";
import { MAX_ALERT_EVENTS_PAGE } from "../../services/alerts/list-alert-events.ts";

export const alertRuleIdParam = z.object({ alertId: z.string().max(64).openapi({ param: { name: "alertId", in: "path" }, example: "alr_01j…" }) });

const metricSchema = z.enum(ALERT_METRICS).openapi({
  description:
    "error_rate: errors / requests (0.05 = 5 %); latency_p95: milliseconds; requests_drop: how much fewer requests the last complete window had than the one before (0.5 = half); cost_per_day: US dollars, the window's cost scaled to a day; conversion_rate: the rate relative to its trailing baseline (-0.2 = 20 % below); srm: the sample-ratio p-value of a running experiment",
});
const windowSchema = z
  .number()
  .int()
  .min(ALERT_LIMITS.minWindowMinutes)
  .max(ALERT_LIMITS.maxWindowMinutes)
  .openapi({ description: "Whole hours, in minutes: the current hour and the ones before it", example: 60 });

/** The fields of a rule as clients send them; cross-field checks are the service's (check-alert-rule.ts). */
const fields = {
  name: z.string().trim().min(1).max(100),
  prompt_id: z.string().min(1).max(64).nullable().openapi({ description: "The prompt watched; null (default) watches the whole workspace" }),
  environment: z.enum(ENVIRONMENTS).nullable().openapi({ description: "The environment watched; null (default) watches all" }),
  comparison: z.enum(["above", "below"]).openapi({ description: "Fire when the value is above (or below) the threshold; by default above, below for conversion_rate and srm" }),
  threshold: z.number().finite().openapi({ description: "In the metric's unit (see metric)", example: 0.05 }),
  window_minutes: windowSchema,
  baseline_window_minutes: z.number().int().min(ALERT_LIMITS.minWindowMinutes).max(ALERT_LIMITS.maxBaselineWindowMinutes).nullable().openapi({ description: "conversion_rate only: the trailing window before `window_minutes` it is compared with" }),
  event_name: z.string().min(1).max(100).nullable().openapi({ description: "conversion_rate only: the event counted; null counts events of category conversion" }),
  experiment_id: z.string().min(1).max(64).nullable().openapi({ description: "srm only: the experiment watched; null watches any running experiment of prompt_id" }),
  min_requests: z.number().int().min(0).max(1_000_000_000).openapi({ description: "Fewer requests (srm: units) than this is too little to judge: the condition does not hold", example: 20 }),
  enabled: z.boolean(),
};

export const createAlertRuleBodySchema = z.strictObject({
  name: fields.name,
  metric: metricSchema,
  prompt_id: fields.prompt_id.optional(),
  environment: fields.environment.optional(),
  comparison: fields.comparison.optional(),
  threshold: fields.threshold,
  window_minutes: fields.window_minutes.default(60),
  baseline_window_minutes: fields.baseline_window_minutes.optional(),
  event_name: fields.event_name.optional(),
  experiment_id: fields.experiment_id.optional(),
  min_requests: fields.min_requests.default(1),
  enabled: fields.enabled.default(true),
});

export const updateAlertRuleBodySchema = z
  .strictObject({
    name: fields.name.optional(),
    prompt_id: fields.prompt_id.optional(),
    environment: fields.environment.optional(),
    comparison: fields.comparison.optional(),
    threshold: fields.threshold.optional(),
    window_minutes: fields.window_minutes.optional(),
    baseline_window_minutes: fields.baseline_window_minutes.optional(),
    event_name: fields.event_name.optional(),
    experiment_id: fields.experiment_id.optional(),
    min_requests: fields.min_requests.optional(),
    enabled: fields.enabled.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), "send at least one field to change (a rule's metric cannot change: create another rule)");

type UpdateBody = z.infer<typeof updateAlertRuleBodySchema>;

/** The changes a PATCH body asks for, in the service's terms (absent fields stay as they are). */
export function ruleChanges(body: UpdateBody): Partial<AlertRuleDefinition> {
  const pairs: Array<[keyof AlertRuleDefinition, unknown]> = [
    ["name", body.name],
    ["promptId", body.prompt_id],
    ["environment", body.environment],
    ["comparison", body.comparison],
    ["threshold", body.threshold],
    ["windowMinutes", body.window_minutes],
    ["baselineWindowMinutes", body.baseline_window_minutes],
    ["eventName", body.event_name],
    ["experimentId", body.experiment_id],
    ["minRequests", body.min_requests],
    ["enabled", body.enabled],
  ];
  return Object.fromEntries(pairs.filter(([, value]) => value !== undefined)) as Partial<AlertRuleDefinition>;
}

export const alertRuleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    metric: metricSchema,
    prompt_id: z.string().nullable(),
    environment: z.enum(ENVIRONMENTS).nullable(),
    comparison: z.enum(["above", "below"]),
    threshold: z.number(),
    window_minutes: z.number().int(),
    baseline_window_minutes: z.number().int().nullable(),
    event_name: z.string().nullable(),
    experiment_id: z.string().nullable(),
    min_requests: z.number().int(),
    enabled: z.boolean(),
    state: z.enum(["ok", "firing"]),
    last_value: z.number().nullable().openapi({ description: "The metric at the last evaluation; null when there was too little to judge" }),
    last_evaluated_at: z.string().nullable(),
    last_fired_at: z.string().nullable(),
    last_resolved_at: z.string().nullable(),
    created_by_id: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("AlertRule");

export const alertEventSchema = z
  .object({
    id: z.string(),
    rule_id: z.string(),
    rule_name: z.string(),
    metric: metricSchema,
    prompt_id: z.string().nullable(),
    environment: z.enum(ENVIRONMENTS).nullable(),
    kind: z.enum(["fired", "resolved"]),
    value: z.number().nullable(),
    threshold: z.number(),
    experiment_id: z.string().nullable().openapi({ description: "srm: the experiment whose sample ratio was off" }),
    occurred_at: z.string(),
  })
  .openapi("AlertEvent");

export const alertEventsPageSchema = z.object({ events: z.array(alertEventSchema), next_cursor: z.string().nullable() });

export const alertEventsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_ALERT_EVENTS_PAGE).default(50),
  cursor: z.string().min(1).max(200).optional().openapi({ description: "next_cursor of the previous page" }),
});
