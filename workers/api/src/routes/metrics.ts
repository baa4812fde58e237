/**
 * GET /metrics: Prometheus text exposition (docs/metrics.md), for a scraper holding
 * `Authorization: Bearer <METRICS_TOKEN>`. Without METRICS_TOKEN the endpoint is off (404, as
 * if absent); a missing or wrong token is 401. Not in the OpenAPI document, which describes the
 * API for the site and apps, like the QStash job routes.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { ApiError, sha256Hex } from "@xr2/shared";
import type { ApiHono } from "../app.ts";
import { readMetrics } from "../services/metrics/read-metrics.ts";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export const metricsRoute = new OpenAPIHono<ApiHono>().get("/metrics", async (c) => {
  const ctx = c.get("ctx");
  const expected = ctx.env.METRICS_TOKEN;
  if (expected === undefined) throw new ApiError("NOT_FOUND", "No route for GET /metrics");
  const presented = /^Bearer\s+(\S+)$/.exec(c.req.header("authorization")?.trim() ?? "")?.[1];
  // Compared as digests: equal length, so the comparison's time says nothing about the token.
  if (presented === undefined || sha256Hex(presented) !== sha256Hex(expected)) {
    throw new ApiError("UNAUTHENTICATED", "Send the metrics token as 'Authorization: Bearer <METRICS_TOKEN>'", { headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  }
  const body = await readMetrics({ ctx });
  return c.body(body, 200, { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" });
});
