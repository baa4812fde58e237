/**
 * Evaluates alert rules (issue #18), after each run of the scheduled aggregation job
 * (routes/jobs/aggregation-job.ts) and whenever a caller asks (`evaluateAlerts`).
 *
 * A rule changes state only through a conditional update (`… where state <> target`): of two
 * overlapping evaluations, the second waits for the first's row lock, finds the state already
 * changed and changes nothing, so a rule fires once, stays firing silently while its condition
 * holds, and resolves once. The transition, its history row and its webhook event
 * (`alert.fired` / `alert.resolved`, and `experiment.srm_detected` for an srm rule that fires)
 * are written in one transaction. An evaluation never moves a rule back in time: a rule last
 * evaluated after `now` is skipped, so a late or slow run cannot undo a newer one's verdict.
 *
 * Work is bounded per call (ALERT_EVALUATION_LIMITS); the least recently evaluated rules go
 * first, so every rule gets its turn. A rule whose measurement fails is logged and left as it
 * was; the others are still evaluated.
 */
import { and, asc, eq, inArray, isNull, lte, ne, or, sql, type SQL } from "drizzle-orm";
import { alertEvents, alertRules, type AlertRule, type AlertState } from "@xr2/db/schema";
import { describeError, log, newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { emitAlertTransition, emitSrmDetected } from "./alert-webhook-events.ts";
import { measureAlertMetric, type Measurement } from "./measure-alert-metric.ts";

export const ALERT_EVALUATION_LIMITS = {
  /** Rules evaluated per call; at 50 per workspace, several workspaces' worth. */
  rulesPerCall: 200,
} as const;

export interface AlertEvaluationInput {
  /** The time the windows end at; the job's clock by default. */
  now?: Date | undefined;
  /** Evaluate only these workspaces' rules. */
  workspaceIds?: readonly string[] | undefined;
}

export interface AlertEvaluationReport {
  evaluated: number;
  fired: number;
  resolved: number;
  failed: number;
}

export async function evaluateAlerts({ ctx, input = {} }: { ctx: ServiceContext; input?: AlertEvaluationInput }): Promise<AlertEvaluationReport> {
  const now = input.now ?? new Date();
  const report: AlertEvaluationReport = { evaluated: 0, fired: 0, resolved: 0, failed: 0 };
  for (const rule of await rulesDue(ctx, now, input.workspaceIds)) {
    try {
      const measurement = await measureAlertMetric(ctx, rule, now);
      const transition = await applyMeasurement(ctx, rule, measurement, now);
      report.evaluated++;
      if (transition === "firing") report.fired++;
      if (transition === "ok") report.resolved++;
    } catch (error) {
      report.failed++;
      log("error", "alert rule evaluation failed; the rule keeps its state", { request_id: ctx.requestId, rule_id: rule.id, workspace_id: rule.workspaceId, error: describeError(error) });
    }
  }
  return report;
}

/** Whether the measured value satisfies the rule's condition. */
export function conditionHolds(rule: Pick<AlertRule, "comparison" | "threshold">, value: number | null): boolean {
  if (value === null) return false;
  return rule.comparison === "above" ? value > rule.threshold : value < rule.threshold;
}

async function rulesDue(ctx: ServiceContext, now: Date, workspaceIds: readonly string[] | undefined): Promise<AlertRule[]> {
  const conditions: SQL[] = [eq(alertRules.enabled, true), notAfter(now)];
  if (workspaceIds !== undefined) conditions.push(inArray(alertRules.workspaceId, [...workspaceIds]));
  return ctx
    .http()
    .select()
    .from(alertRules)
    .where(and(...conditions))
    .orderBy(sql`${alertRules.lastEvaluatedAt} asc nulls first`, asc(alertRules.id))
    .limit(ALERT_EVALUATION_LIMITS.rulesPerCall);
}

/** The rule was not evaluated after `now` (see the module's comment). */
function notAfter(now: Date): SQL {
  return or(isNull(alertRules.lastEvaluatedAt), lte(alertRules.lastEvaluatedAt, now))!;
}

/** Records the evaluation; the state it moved the rule to, or null when it did not move. */
async function applyMeasurement(ctx: ServiceContext, rule: AlertRule, measurement: Measurement, now: Date): Promise<AlertState | null> {
  const target: AlertState = conditionHolds(rule, measurement.value) ? "firing" : "ok";
  const evaluated = { lastValue: measurement.value, lastEvaluatedAt: now };
  return ctx.db().transaction(async (tx) => {
    const [moved] = await tx
      .update(alertRules)
      .set({ ...evaluated, state: target, ...(target === "firing" ? { lastFiredAt: now } : { lastResolvedAt: now }) })
      .where(and(eq(alertRules.id, rule.id), eq(alertRules.enabled, true), ne(alertRules.state, target), notAfter(now)))
      .returning();
    if (!moved) {
      await tx.update(alertRules).set(evaluated).where(and(eq(alertRules.id, rule.id), notAfter(now)));
      return null;
    }
    const kind = target === "firing" ? "fired" : "resolved";
    await tx.insert(alertEvents).values({ id: newId("alertEvent"), workspaceId: moved.workspaceId, ruleId: moved.id, kind, value: measurement.value, threshold: moved.threshold, experimentId: measurement.experimentId, occurredAt: now });
    await emitAlertTransition(tx, ctx, moved, kind, measurement);
    if (kind === "fired" && moved.metric === "srm") await emitSrmDetected(tx, ctx, moved, measurement);
    return target;
  });
}
