/**
 * Alert rules (issue #18): their limits, what each metric measures and in which unit, and the
 * public shape of a rule. The API takes and returns thresholds in the metric's own unit:
 * - error_rate: errors / requests over the window (0.05 = 5 %);
 * - latency_p95: milliseconds (request-weighted mean of the hours' p95, like the dashboards);
 * - requests_drop: how much fewer requests the last complete window had than the one before
 *   (0.5 = half as many);
 * - cost_per_day: US dollars, the window's cost scaled to 24 hours;
 * - conversion_rate: the window's conversion rate relative to its trailing baseline average
 *   (-0.2 = 20 % below it);
 * - srm: the lowest sample-ratio p-value of the watched running experiments (0.001 conventionally).
 */
import type { AlertComparison, AlertMetric, AlertRule } from "@xr2/db/schema";

export const ALERT_LIMITS = {
  rulesPerWorkspace: 50,
  minWindowMinutes: 60,
  maxWindowMinutes: 7 * 24 * 60,
  maxBaselineWindowMinutes: 30 * 24 * 60,
  /** Running experiments one srm rule on a prompt judges per evaluation. */
  experimentsPerRule: 5,
} as const;

export const ALERT_METRICS = ["error_rate", "latency_p95", "requests_drop", "cost_per_day", "conversion_rate", "srm"] as const satisfies readonly AlertMetric[];

/** The direction a metric usually alarms in, used when a rule does not say. */
export const DEFAULT_COMPARISON: Record<AlertMetric, AlertComparison> = {
  error_rate: "above",
  latency_p95: "above",
  requests_drop: "above",
  cost_per_day: "above",
  conversion_rate: "below",
  srm: "below",
};

/** The thresholds that make sense per metric, inclusive. */
export const THRESHOLD_RANGE: Record<AlertMetric, { min: number; max: number; unit: string }> = {
  error_rate: { min: 0, max: 1, unit: "a fraction of requests between 0 and 1" },
  latency_p95: { min: 0, max: 600_000, unit: "milliseconds between 0 and 600000" },
  requests_drop: { min: 0, max: 1, unit: "a fraction between 0 and 1" },
  cost_per_day: { min: 0, max: 1_000_000, unit: "US dollars per day between 0 and 1000000" },
  conversion_rate: { min: -1, max: 100, unit: "a relative change between -1 and 100" },
  srm: { min: 0, max: 1, unit: "a p-value between 0 and 1" },
};

export function toAlertRuleView(rule: AlertRule) {
  return {
    id: rule.id,
    name: rule.name,
    metric: rule.metric,
    prompt_id: rule.promptId,
    environment: rule.environment,
    comparison: rule.comparison,
    threshold: rule.threshold,
    window_minutes: rule.windowMinutes,
    baseline_window_minutes: rule.baselineWindowMinutes,
    event_name: rule.eventName,
    experiment_id: rule.experimentId,
    min_requests: rule.minRequests,
    enabled: rule.enabled,
    state: rule.state,
    last_value: rule.lastValue,
    last_evaluated_at: rule.lastEvaluatedAt?.toISOString() ?? null,
    last_fired_at: rule.lastFiredAt?.toISOString() ?? null,
    last_resolved_at: rule.lastResolvedAt?.toISOString() ?? null,
    created_by_id: rule.createdById,
    created_at: rule.createdAt.toISOString(),
    updated_at: rule.updatedAt.toISOString(),
  };
}

export type AlertRuleView = ReturnType<typeof toAlertRuleView>;

/** What the audit log keeps of a rule: its definition, not its evaluation state. */
export function auditedRule(rule: AlertRule): Record<string, unknown> {
  const { state: _state, last_value: _value, last_evaluated_at: _evaluated, last_fired_at: _fired, last_resolved_at: _resolved, created_at: _created, updated_at: _updated, ...definition } = toAlertRuleView(rule);
  return definition;
}
