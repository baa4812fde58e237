/** The management API's Hono app: auth, workspaces, prompts, publishing, analytics, jobs. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { MAX_BODY_BYTES } from "./body-limit.ts";
import { cors } from "hono/cors";
import type { Context } from "hono";
import { installErrorHandling, validationFailed, limitBodySize, parseEnv, requestContext, securityHeaders, type RequestVariables } from "@xr2/shared";
import { createServiceContext, type ServiceContext } from "./context.ts";
import type { AccessTokenScope, Role } from "./permissions.ts";
import { apiEnvSchema } from "./env.ts";
import { healthRoutes } from "./routes/health.ts";
import { authRoutes } from "./routes/auth/index.ts";
import { devRoutes } from "./routes/dev/index.ts";
import { workspaceRoutes } from "./routes/workspaces/index.ts";
import { promptRoutes } from "./routes/prompts/index.ts";
import { importExportRoutes } from "./routes/prompts/import-export/index.ts";
import { tagRoutes } from "./routes/tags/index.ts";
import { eventDefinitionRoutes } from "./routes/event-definitions/index.ts";
import { apiKeyRoutes } from "./routes/api-keys/index.ts";
import { accessTokenRoutes } from "./routes/access-tokens/index.ts";
import { auditLogRoutes } from "./routes/audit-log/index.ts";
import { analyticsRoutes } from "./routes/analytics/index.ts";
import { experimentResultsRoute } from "./routes/analytics/experiment-results.ts";
import { experimentRoutes } from "./routes/experiments/index.ts";
import { alertRoutes } from "./routes/alerts/index.ts";
import { traceRoutes } from "./routes/traces/index.ts";
import { webhookRoutes } from "./routes/webhooks/index.ts";
import { lifecycleRoutes } from "./routes/prompts/lifecycle/index.ts";
import { rebuildProjectionRoutes } from "./routes/admin/rebuild-projection.ts";
import { listDeadLettersRoute } from "./routes/admin/list-dead-letters.ts";
import { replayDeadLetterRoute } from "./routes/admin/replay-dead-letter.ts";
import { adminLimitRoutes } from "./routes/admin/limits.ts";
import { adminConsoleRoutes } from "./routes/admin/index.ts";
import { liveCountsRoute } from "./routes/analytics/live.ts";
import { jobRoutes } from "./routes/jobs/index.ts";
import { llmRoutes } from "./routes/llm/index.ts";
import { mcpRoutes } from "./routes/mcp/index.ts";
import { docsRoute } from "./routes/docs.ts";
import { metricsRoute } from "./routes/metrics.ts";
import { recordMetrics } from "./middleware/record-metrics.ts";
import { dispatchWebhooks } from "./middleware/dispatch-webhooks.ts";
import { registerProductApi } from "./openapi/product-api.ts";
import { serveOpenApiDocument } from "./openapi/document.ts";
import { registerWebhooks } from "./openapi/webhooks.ts";

export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
  emailVerified: boolean;
}

export type ApiHono = {
  Bindings: Record<string, unknown>;
  Variables: RequestVariables & { ctx: ServiceContext; user?: AuthenticatedUser; workspace?: { id: string; role: Role; scopes?: readonly AccessTokenScope[] };
    /** Set when the caller authenticated with an access token instead of a session: its id, workspace and scopes. */
    accessToken?: { id: string; workspaceId: string; scopes: readonly AccessTokenScope[] };
  };
};

export { MAX_BODY_BYTES };

const SITE_CORS = {
  allowHeaders: ["Authorization", "Content-Type", "X-Workspace-Id", "X-Request-Id"],
  exposeHeaders: ["X-Request-Id", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"],
  credentials: false,
  maxAge: 600,
};

/** The request's origin when ALLOWED_ORIGINS lists it; read alone, so a misconfigured worker still answers CORS. */
function allowedOrigin(origin: string, c: Context<ApiHono>): string | null {
  const parsed = apiEnvSchema.shape.ALLOWED_ORIGINS.safeParse((c.env as Record<string, unknown>).ALLOWED_ORIGINS);
  return parsed.success && parsed.data.includes(origin) ? origin : null;
}

export function createApiApp(): OpenAPIHono<ApiHono> {
  const app = new OpenAPIHono<ApiHono>({
    defaultHook: (result) => {
      // In words, naming the field ("name: must not be empty"): workers/shared/src/validation-messages.ts.
      if (!result.success) throw validationFailed(result.error.issues, result.target);
    },
  });
  app.use("*", requestContext("api"));
  app.use("*", securityHeaders());
  // First, so that every answer the site gets — errors of the later middleware included (413,
  // a broken configuration) — carries the headers that let the browser read it.
  app.use("/api/*", cors({ ...SITE_CORS, origin: allowedOrigin }));
  app.use("/health", cors({ origin: allowedOrigin }));
  // Imports of many prompts are the largest legitimate bodies; they are chunked by the clients.
  app.use("*", limitBodySize(MAX_BODY_BYTES));
  app.use("*", async (c, next) => {
    const ctx = createServiceContext(parseEnv(apiEnvSchema, c.env), c.get("requestId"));
    c.set("ctx", ctx);
    try {
      await next();
    } finally {
      c.executionCtx.waitUntil(ctx.dispose());
    }
  });
  app.use("*", recordMetrics());
  app.use("*", dispatchWebhooks);
  installErrorHandling(app);
  app.route("/", healthRoutes);
  app.route("/", metricsRoute);
  app.route("/", devRoutes);
  app.route("/", authRoutes);
  app.route("/", workspaceRoutes);
  app.route("/", importExportRoutes);
  app.route("/", promptRoutes);
  app.route("/", tagRoutes);
  app.route("/", eventDefinitionRoutes);
  app.route("/", apiKeyRoutes);
  app.route("/", accessTokenRoutes);
  app.route("/", auditLogRoutes);
  app.route("/", analyticsRoutes);
  app.route("/", experimentResultsRoute);
  app.route("/", experimentRoutes);
  app.route("/", alertRoutes);
  app.route("/", traceRoutes);
  app.route("/", webhookRoutes);
  app.route("/", lifecycleRoutes);
  app.route("/", rebuildProjectionRoutes);
  app.route("/", listDeadLettersRoute);
  app.route("/", replayDeadLetterRoute);
  app.route("/", adminLimitRoutes);
  app.route("/", adminConsoleRoutes);
  app.route("/", liveCountsRoute);
  app.route("/", jobRoutes);
  app.route("/", llmRoutes);
  app.route("/", mcpRoutes);
  app.route("/", docsRoute);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "A session's JWT (POST /api/auth/login) or an access token (`xr2_at_…`, POST /api/access-tokens)" });
  registerProductApi(app);
  registerWebhooks(app);
  serveOpenApiDocument(app);
  return app;
}
