/** Publishing (P4): publish, promote, rollback, deployment history, approvals, scheduled deployments. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { approvalRoutes } from "./approvals.ts";
import { dependentsRoutes } from "./dependents.ts";
import { listDeploymentsRoute } from "./list-deployments.ts";
import { promoteRoute } from "./promote.ts";
import { publishVersionRoute } from "./publish-version.ts";
import { rollbackRoute } from "./rollback.ts";
import { scheduledDeploymentRoutes } from "./scheduled-deployments.ts";

export const lifecycleRoutes = new OpenAPIHono<ApiHono>()
  .route("/", publishVersionRoute)
  .route("/", promoteRoute)
  .route("/", rollbackRoute)
  .route("/", listDeploymentsRoute)
  .route("/", approvalRoutes)
  .route("/", dependentsRoutes)
  .route("/", scheduledDeploymentRoutes);
