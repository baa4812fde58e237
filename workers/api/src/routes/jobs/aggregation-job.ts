/**
 * POST /api/jobs/aggregate: the target of the QStash schedule (services/aggregation). No access
 * token: QStash proves itself with the Upstash-Signature. A failed run answers 5xx and QStash
 * retries it; a repeated delivery recomputes the same numbers. Not in the OpenAPI document,
 * which describes the API for clients.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { verifyQStashSignature } from "../../middleware/verify-qstash-signature.ts";
import { runAggregation } from "../../services/aggregation/run-aggregation.ts";
import { countAggregationRun } from "../../services/metrics/count-aggregation-run.ts";
import { pruneRequestLog } from "../../services/request-log/prune-request-log.ts";
import { sweepDeletedWorkspaces } from "../../services/workspaces/sweep-deleted-workspaces.ts";

export const aggregationJobRoute = new OpenAPIHono<ApiHono>().post("/api/jobs/aggregate", verifyQStashSignature, async (c) => {
  const report = await countAggregationRun("schedule", () => runAggregation({ ctx: c.get("ctx"), input: {} }));
  // The request log's retention rides on the same schedule (one old batch per run).
  const pruned = await pruneRequestLog({ ctx: c.get("ctx") });
  // So does the purge of a deleted workspace whose own purge job never ran.
  const swept = await sweepDeletedWorkspaces({ ctx: c.get("ctx") });
  return c.json({ ...report, request_log_pruned: pruned.deleted, deleted_workspace_purged: swept?.workspace_id ?? null }, 200);
});
