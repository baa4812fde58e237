/** Jobs: the aggregation (A2) as QStash runs it and the platform admin's controls over it; the purge of deleted workspaces; webhook deliveries; scheduled deployments. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { aggregateNowRoute } from "./aggregate-now.ts";
import { aggregationJobRoute } from "./aggregation-job.ts";
import { purgeWorkspaceJobRoute } from "./purge-workspace-job.ts";
import { scheduleAggregationRoute } from "./schedule-aggregation.ts";
import { scheduledDeploymentJobRoute } from "./scheduled-deployment-job.ts";
import { webhookDeliveryJobRoute } from "./webhook-delivery-job.ts";

export const jobRoutes = new OpenAPIHono<ApiHono>()
  .route("/", aggregationJobRoute)
  .route("/", aggregateNowRoute)
  .route("/", scheduleAggregationRoute)
  .route("/", purgeWorkspaceJobRoute)
  .route("/", webhookDeliveryJobRoute)
  .route("/", scheduledDeploymentJobRoute);
