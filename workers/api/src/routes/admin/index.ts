/** The platform admin console's API (S4): users, workspaces, usage across workspaces, job runs, the platform audit log. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { deleteUserRoute } from "./delete-user.ts";
import { userStateRoutes } from "./disable-user.ts";
import { listAggregationRunsRoute } from "./list-aggregation-runs.ts";
import { listPlatformAuditLogRoute } from "./list-platform-audit-log.ts";
import { listUsersRoute } from "./list-users.ts";
import { adminWorkspaceRoutes } from "./list-workspaces.ts";
import { platformUsageRoute } from "./platform-usage.ts";

export const adminConsoleRoutes = new OpenAPIHono<ApiHono>()
  .route("/", listUsersRoute)
  .route("/", userStateRoutes)
  .route("/", deleteUserRoute)
  .route("/", adminWorkspaceRoutes)
  .route("/", platformUsageRoute)
  .route("/", listAggregationRunsRoute)
  .route("/", listPlatformAuditLogRoute);
