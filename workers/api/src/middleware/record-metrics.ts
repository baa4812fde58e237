/**
 * Counts every answer of the API worker for /metrics: xr2_api_requests_total and the
 * xr2_api_request_duration_seconds histogram, labelled with the route pattern (never the raw
 * path: `/api/prompts/:promptId`, or "(unmatched)") and the status. Installed after the service
 * context, so it sees error answers too; the counts go to Redis in this isolate's next batched
 * flush (services/metrics/metrics-buffer.ts), in the request's waitUntil.
 */
import type { MiddlewareHandler } from "hono";
import type { ApiHono } from "../app.ts";
import { incrementCounter, observeHistogram, scheduleMetricsFlush } from "../services/metrics/metrics-buffer.ts";
import { statusClass } from "../services/metrics/registry.ts";

export function recordMetrics(): MiddlewareHandler<ApiHono> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const routePath = c.req.routePath;
      const route = routePath === "*" || routePath === "/*" || routePath === "" ? "(unmatched)" : routePath;
      const status = c.res.status;
      incrementCounter("xr2_api_requests_total", { method: c.req.method, route, status: String(status), status_class: statusClass(status) });
      observeHistogram("xr2_api_request_duration_seconds", { method: c.req.method, route, status_class: statusClass(status) }, (performance.now() - started) / 1000);
      const ctx = c.get("ctx");
      scheduleMetricsFlush({ redis: () => ctx.redis(), waitUntil: (promise) => c.executionCtx.waitUntil(promise), flushAfterMs: ctx.env.METRICS_FLUSH_MS });
    }
  };
}
