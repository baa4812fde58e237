// The shapes of /api/analytics/* and /api/experiments as the API's contract defines them
// (openapi.d.ts, from workers/api/src/routes/analytics/**, workers/api/src/routes/experiments/**),
// for the dashboard and the experiment pages.
import type { Answer, QueryParams, Schemas } from "./contract";

export type PromptStats = Schemas["PromptStats"];
export type Granularity = PromptStats["granularity"];

/** The figures every bucket, version and prompt of the prompt statistics carries (conversion_rate: conversion events per request, can exceed 1). */
export type Metrics = PromptStats["totals"];

export type LlmUsage = Schemas["LlmUsage"];
export type LlmUsageTotals = LlmUsage["totals"];

/** minutes: oldest first; the last is the current minute. */
export type LiveCounts = Answer<"get", "/api/analytics/live">;

export type Funnel = Schemas["Funnel"];
/** event_name is null for step 0, the exposure. */
export type FunnelStep = Funnel["versions"][number]["steps"][number];

export type Cohorts = Schemas["Cohorts"];
export type CohortPeriod = NonNullable<QueryParams<"get", "/api/analytics/cohorts">["period"]>;

export type EventDefinition = Schemas["EventDefinition"];

export type Experiment = Schemas["Experiment"];
export type ExperimentStatus = Experiment["status"];
export type ExperimentPage = Answer<"get", "/api/experiments">;

export type ExperimentResults = Schemas["ExperimentResults"];
/** The control comes first; lift is relative to it (null for the control). */
export type VariantResult = ExperimentResults["variants"][number];

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

/** GET /api/analytics/serving: how apps were served over the range. */
export type Serving = Schemas["Serving"];
export type ServingOrigin = Serving["by_origin"][number]["origin"];
