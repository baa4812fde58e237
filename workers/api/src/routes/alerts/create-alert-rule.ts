import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { DEFAULT_COMPARISON } from "../../services/alerts/alert-rule-view.ts";
import { createAlertRule } from "../../services/alerts/create-alert-rule.ts";
import { alertRuleSchema, createAlertRuleBodySchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/alerts",
  tags: ["alerts"],
  summary: "Create an alert rule on a prompt or the whole workspace (Member and above; at most 50 per workspace)",
  description:
    "Evaluated after each run of the aggregation job: the rule fires once when its condition becomes true (an alert.fired webhook event), stays firing while it holds, and resolves once when it no longer does (alert.resolved).",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("alerts.manage")] as const,
  request: { body: jsonBody(createAlertRuleBodySchema) },
  responses: { 201: jsonResponse("The new rule", alertRuleSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const createAlertRuleRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const rule = await createAlertRule({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      actorUserId: c.get("user")!.id,
      rule: {
        name: body.name,
        metric: body.metric,
        promptId: body.prompt_id ?? null,
        environment: body.environment ?? null,
        comparison: body.comparison ?? DEFAULT_COMPARISON[body.metric],
        threshold: body.threshold,
        windowMinutes: body.window_minutes,
        baselineWindowMinutes: body.baseline_window_minutes ?? null,
        eventName: body.event_name ?? null,
        experimentId: body.experiment_id ?? null,
        minRequests: body.min_requests,
        enabled: body.enabled,
      },
    },
  });
  return c.json(rule, 201);
});
