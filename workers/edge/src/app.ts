/** The edge worker's Hono app: the public Product API, the hot path apps call. */
import { Hono } from "hono";
import { installErrorHandling, limitBodySize, parseEnv, requestContext, securityHeaders } from "@xr2/shared";
import { edgeEnvSchema, type EdgeHono } from "./env.ts";
import { healthRoute } from "./routes/health.ts";
import { getPromptRoute } from "./routes/get-prompt.ts";
import { eventsRoute } from "./routes/events.ts";
import { exposuresRoute } from "./routes/exposures.ts";
import { promptsRoute } from "./routes/prompts.ts";
import { recordRequests } from "./services/request-log.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

export function createEdgeApp(): Hono<EdgeHono> {
  const app = new Hono<EdgeHono>();
  app.use("*", requestContext("edge"));
  app.use("*", securityHeaders());
  // A ceiling for every route; each route sets its own, lower limit (an events batch: 100 KiB).
  app.use("*", limitBodySize(MAX_BODY_BYTES));
  app.use("*", async (c, next) => {
    c.set("env", parseEnv(edgeEnvSchema, c.env));
    await next();
  });
  // After the env is read, before the routes: it sees every answer, errors included.
  app.use("/api/v1/*", recordRequests());
  installErrorHandling(app);
  app.route("/", healthRoute);
  app.route("/", getPromptRoute);
  app.route("/", eventsRoute);
  app.route("/", promptsRoute);
  app.route("/", exposuresRoute);
  return app;
}
