/**
 * The webhook events of an alert's transition, built to the documented payloads
 * (workers/shared/src/webhook-payloads.ts) and emitted in the transition's transaction through
 * emitEvent, like every other change: receivers and the Slack formatter read `data.alert`,
 * `data.prompt` and `data.environment`, so a payload of another shape would break them.
 */
import { and, eq } from "drizzle-orm";
import { experiments, type AlertRule } from "@xr2/db/schema";
import type { ServiceContext, Transaction } from "../../context.ts";
import { emitEvent, promptRef } from "../webhooks/emit-event.ts";
import type { Measurement } from "./measure-alert-metric.ts";

/** alert.fired or alert.resolved for `rule`, with the value that moved it. */
export async function emitAlertTransition(tx: Transaction, ctx: Pick<ServiceContext, "env">, rule: AlertRule, kind: "fired" | "resolved", measurement: Measurement): Promise<void> {
  const prompt = rule.promptId === null ? null : await promptRef(tx, { workspaceId: rule.workspaceId, promptId: rule.promptId });
  const alert = { rule_id: rule.id, name: rule.name, metric: rule.metric, threshold: rule.threshold, window_minutes: rule.windowMinutes, value: measurement.value };
  const data = { alert, prompt, environment: rule.environment };
  // An alert is xR2's own doing: no actor.
  if (kind === "fired") await emitEvent(tx, ctx, { type: "alert.fired", workspaceId: rule.workspaceId, actorUserId: null, data });
  else await emitEvent(tx, ctx, { type: "alert.resolved", workspaceId: rule.workspaceId, actorUserId: null, data });
}

/** experiment.srm_detected for the experiment an srm rule fired on; nothing when the experiment is gone. */
export async function emitSrmDetected(tx: Transaction, ctx: Pick<ServiceContext, "env">, rule: AlertRule, measurement: Measurement): Promise<void> {
  if (measurement.experimentId === null || measurement.value === null) return;
  const [experiment] = await tx
    .select({ id: experiments.id, name: experiments.name, primaryEvent: experiments.primaryEvent, promptId: experiments.promptId, environment: experiments.environment })
    .from(experiments)
    .where(and(eq(experiments.id, measurement.experimentId), eq(experiments.workspaceId, rule.workspaceId)))
    .limit(1);
  if (!experiment) return;
  await emitEvent(tx, ctx, {
    type: "experiment.srm_detected",
    workspaceId: rule.workspaceId,
    actorUserId: null,
    data: {
      experiment: { id: experiment.id, name: experiment.name, primary_event: experiment.primaryEvent },
      prompt: await promptRef(tx, { workspaceId: rule.workspaceId, promptId: experiment.promptId }),
      environment: experiment.environment,
      p_value: measurement.value,
      variants: measurement.variants ?? [],
    },
  });
}
