/** /api/webhooks: the workspace's webhook and Slack endpoints and their delivery logs (S7, issue #18). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { createWebhookRoute } from "./create-webhook.ts";
import { listWebhooksRoute } from "./list-webhooks.ts";
import { updateWebhookRoute } from "./update-webhook.ts";
import { webhookActionRoutes } from "./webhook-actions.ts";

export const webhookRoutes = new OpenAPIHono<ApiHono>().route("/", createWebhookRoute).route("/", listWebhooksRoute).route("/", updateWebhookRoute).route("/", webhookActionRoutes);
