/** /api/alerts and /api/notifications: threshold alert rules, their history and the workspace's notifications (issue #18). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { createAlertRuleRoute } from "./create-alert-rule.ts";
import { deleteAlertRuleRoute } from "./delete-alert-rule.ts";
import { getAlertRuleRoute } from "./get-alert-rule.ts";
import { listAlertHistoryRoute } from "./list-alert-history.ts";
import { listAlertRulesRoute } from "./list-alert-rules.ts";
import { listNotificationsRoute } from "./list-notifications.ts";
import { updateAlertRuleRoute } from "./update-alert-rule.ts";

export const alertRoutes = new OpenAPIHono<ApiHono>()
  .route("/", listAlertRulesRoute)
  .route("/", createAlertRuleRoute)
  .route("/", getAlertRuleRoute)
  .route("/", updateAlertRuleRoute)
  .route("/", deleteAlertRuleRoute)
  .route("/", listAlertHistoryRoute)
  .route("/", listNotificationsRoute);
