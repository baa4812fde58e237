/**
 * What a rule must satisfy as a whole, after a create or a change: the fields that belong to
 * one metric only, its threshold's range, whole-hour windows, and a prompt or experiment of the
 * caller's workspace (another workspace's id answers 404, like any object the caller cannot see).
 * Checked in the service, so a PATCH is judged on the rule it produces, not on the fields it sends.
 */
import { and, eq } from "drizzle-orm";
import { experiments, type AlertComparison, type AlertMetric, type Environment } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { assertPromptInWorkspace } from "../analytics/analytics-scope.ts";
import { ALERT_LIMITS, THRESHOLD_RANGE } from "./alert-rule-view.ts";

export interface AlertRuleDefinition {
  name: string;
  metric: AlertMetric;
  promptId: string | null;
  environment: Environment | null;
  comparison: AlertComparison;
  threshold: number;
  windowMinutes: number;
  baselineWindowMinutes: number | null;
  eventName: string | null;
  experimentId: string | null;
  minRequests: number;
  enabled: boolean;
}

export async function checkAlertRule(ctx: ServiceContext, workspaceId: string, rule: AlertRuleDefinition): Promise<void> {
  checkShape(rule);
  if (rule.promptId !== null) await assertPromptInWorkspace(ctx, workspaceId, rule.promptId);
  if (rule.experimentId !== null) {
    const [experiment] = await ctx
      .http()
      .select({ promptId: experiments.promptId })
      .from(experiments)
      .where(and(eq(experiments.id, rule.experimentId), eq(experiments.workspaceId, workspaceId)))
      .limit(1);
    if (!experiment) throw new ApiError("NOT_FOUND", "Experiment not found");
    if (rule.promptId !== null && experiment.promptId !== rule.promptId) throw invalid("experiment_id: the experiment belongs to another prompt than prompt_id");
  }
}

function checkShape(rule: AlertRuleDefinition): void {
  const range = THRESHOLD_RANGE[rule.metric];
  if (!(rule.threshold >= range.min && rule.threshold <= range.max)) throw invalid(`threshold: for ${rule.metric} it is ${range.unit}`);
  if (rule.windowMinutes % 60 !== 0) throw invalid("window_minutes: must be whole hours (a multiple of 60), the statistics being hourly");
  if (rule.metric === "conversion_rate") {
    const baseline = rule.baselineWindowMinutes;
    if (baseline === null) throw invalid("baseline_window_minutes: conversion_rate compares with a trailing average; give its window");
    if (baseline % 60 !== 0 || baseline < rule.windowMinutes || baseline > ALERT_LIMITS.maxBaselineWindowMinutes) {
      throw invalid(`baseline_window_minutes: whole hours, at least window_minutes and at most ${ALERT_LIMITS.maxBaselineWindowMinutes}`);
    }
  } else {
    if (rule.baselineWindowMinutes !== null) throw invalid("baseline_window_minutes: only for the conversion_rate metric");
    if (rule.eventName !== null) throw invalid("event_name: only for the conversion_rate metric");
  }
  if (rule.metric === "srm") {
    if (rule.experimentId === null && rule.promptId === null) throw invalid("srm watches an experiment: give experiment_id, or prompt_id for any running experiment of the prompt");
  } else if (rule.experimentId !== null) {
    throw invalid("experiment_id: only for the srm metric");
  }
}

function invalid(message: string): ApiError {
  return new ApiError("VALIDATION_FAILED", message);
}
