/**
 * POST /api/jobs/aggregate: the target of the QStash schedule (services/aggregation). No access
 * token: QStash proves itself with the Upstash-Signature. A failed run answers 5xx and QStash
 * retries it; a repeated delivery recomputes the same numbers. Not in the OpenAPI document,
 * which describes the API for clients. After the aggregation, the alert rules are evaluated.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { verifyQStashSignature } from "../../middleware/verify-qstash-signature.ts";
import { evaluateAlerts } from "../../services/alerts/evaluate-alerts.ts";
import { runAggregation } from "../../services/aggregation/run-aggregation.ts";
import { countAggregationRun } from "../../services/metrics/count-aggregation-run.ts";
import { pruneRequestLog } from "../../services/request-log/prune-request-log.ts";
import { sweepOverdueSchedules } from "../../services/scheduled-deployments/sweep-overdue-schedules.ts";
import { sweepDeletedWorkspaces } from "../../services/workspaces/sweep-deleted-workspaces.ts";
import { sweepWebhookOutbox } from "../../services/webhooks/dispatch-events.ts";
import { pruneWebhookLog } from "../../services/webhooks/prune-webhook-log.ts";

export const aggregationJobRoute = new OpenAPIHono<ApiHono>().post("/api/jobs/aggregate", verifyQStashSignature, async (c) => {
  const report = await countAggregationRun("schedule", () => runAggregation({ ctx: c.get("ctx"), input: {} }));
  // Alert rules are judged on the stats this run has just written (services/alerts).
  const alerts = await evaluateAlerts({ ctx: c.get("ctx") });
  // The request log's retention rides on the same schedule (one old batch per run).
  const pruned = await pruneRequestLog({ ctx: c.get("ctx") });
  // So does the purge of a deleted workspace whose own purge job never ran.
  const swept = await sweepDeletedWorkspaces({ ctx: c.get("ctx") });
  // Scheduled deployments whose QStash message never came run here, late rather than never.
  const schedules = await sweepOverdueSchedules({ ctx: c.get("ctx") });
  // And the webhook outbox's sweep: events no request dispatched, deliveries QStash never took.
  const webhooks = await sweepWebhookOutbox({ ctx: c.get("ctx") });
  await pruneWebhookLog({ ctx: c.get("ctx") });
  return c.json({ ...report, alerts, request_log_pruned: pruned.deleted, deleted_workspace_purged: swept?.workspace_id ?? null, overdue_schedules_run: schedules.ran, webhook_events_dispatched: webhooks.events, webhook_deliveries_queued: webhooks.queued }, 200);
});
