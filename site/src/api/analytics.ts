// The shapes of /api/analytics/* and /api/experiments as the API answers them
// (workers/api/src/routes/analytics/**, workers/api/src/routes/experiments/**), for the dashboard
// and the experiment pages.
import type { Environment } from "./types";

export type Granularity = "hour" | "day";

/** The figures every bucket, version and prompt of the prompt statistics carries. */
export interface Metrics {
  requests: number;
  errors: number;
  error_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  events: number;
  conversions: number;
  /** Conversion events per request (can exceed 1). */
  conversion_rate: number | null;
  tokens_in: number;
  tokens_out: number;
  cost_micros: number;
  cost_per_conversion_micros: number | null;
}

export interface PromptStats {
  granularity: Granularity;
  from: string;
  to: string;
  prompt_id: string | null;
  version_id: string | null;
  environment: Environment | null;
  totals: Metrics;
  series: Array<Metrics & { bucket_start: string; version_id: string | null }>;
  series_truncated: boolean;
  versions: Array<Metrics & { version_id: string; version_number: number | null }>;
  top_prompts: Array<Metrics & { prompt_id: string; slug: string | null; name: string | null }>;
  providers: Array<{ provider: string; model: string; calls: number; errors: number; tokens_in: number; tokens_out: number; cost_micros: number }>;
}

export interface LlmUsageTotals {
  requests: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  tokens_cached: number;
  cost_micros: number;
}

export interface LlmUsage {
  from: string;
  to: string;
  totals: LlmUsageTotals;
  by_model: Array<LlmUsageTotals & { provider: string; model: string }>;
  by_day: Array<LlmUsageTotals & { provider: string; model: string; day: string }>;
}

export interface LiveCounts {
  prompt_id: string | null;
  /** Oldest first; the last is the current minute. */
  minutes: Array<{ minute: string; requests: number; events: number }>;
}

export interface FunnelStep {
  step: number;
  /** null for step 0, the exposure. */
  event_name: string | null;
  count: number;
  conversion_from_previous: number | null;
  conversion_from_start: number | null;
  drop_off: number;
}

export interface Funnel {
  prompt_id: string;
  steps: string[];
  from: string;
  to: string;
  window_hours: number;
  environment: Environment | null;
  versions: Array<{ version_id: string; version_number: number | null; steps: FunnelStep[] }>;
}

export type CohortPeriod = "day" | "week";

export interface Cohorts {
  prompt_id: string | null;
  event_name: string;
  period: CohortPeriod;
  periods: number;
  from: string;
  to: string;
  cohorts: Array<{ cohort_start: string; units: number; retention: Array<{ period: number; units: number; rate: number | null; complete: boolean }> }>;
}

export interface EventDefinition {
  id: string;
  event_name: string;
  category: string;
  description: string | null;
  required_fields: Array<{ name: string; type: string }>;
  optional_fields: Array<{ name: string; type: string }>;
  created_at: string;
  updated_at: string;
}

export type ExperimentStatus = "draft" | "running" | "stopped";

export interface Experiment {
  id: string;
  prompt_id: string;
  environment: Environment;
  name: string;
  description: string | null;
  status: ExperimentStatus;
  primary_event: string;
  variants: Array<{ key: string; version_id: string; version_number: number; weight: number; is_control: boolean }>;
  started_at: string | null;
  stopped_at: string | null;
  created_by_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ExperimentPage {
  experiments: Experiment[];
  next_cursor: string | null;
}

export interface VariantResult {
  key: string;
  version_id: string;
  version_number: number;
  is_control: boolean;
  weight: number;
  expected_share: number;
  exposures: number;
  units: number;
  conversions: number;
  conversion_rate: number;
  /** Relative to the control; null for the control. */
  lift: number | null;
  ci_low: number | null;
  ci_high: number | null;
  p_value: number | null;
  probability_to_beat_control: number | null;
}

export interface ExperimentResults {
  experiment_id: string;
  name: string;
  prompt_id: string;
  environment: string;
  status: ExperimentStatus;
  primary_event: string;
  started_at: string | null;
  stopped_at: string | null;
  confidence_level: number;
  /** The control comes first. */
  variants: VariantResult[];
  srm_chi_square: number;
  /** Below 0.001 the split is broken and the results untrustworthy. */
  srm_p_value: number;
}

/** The API's limits the pages respect (workers/api/src/services/analytics/*). */
export const ANALYTICS_LIMITS = {
  hourlyRangeDays: 31,
  dailyRangeDays: 366,
  funnelSteps: 10,
  funnelRangeDays: 366,
  cohortRangeDays: { day: 92, week: 366 } as Record<CohortPeriod, number>,
  llmUsageRangeDays: 400,
  srmThreshold: 0.001,
  maxVariants: 10,
} as const;

export type ServingOrigin = "edge" | "network" | "cache" | "stale" | "bootstrap" | "fallback";

/** GET /api/analytics/serving: how apps were served over the range. */
export interface Serving {
  from: string;
  to: string;
  total: number;
  by_origin: Array<{ origin: ServingOrigin; count: number; share: number | null }>;
  without_xr2: number;
  fallback_slugs: Array<{ slug: string; count: number }>;
}
