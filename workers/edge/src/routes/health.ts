/**
 * GET /health: KV, the events queue, Redis and, through the API worker, the database; 503 when
 * one is down. The endpoint is public, so a report is reused for a few seconds per isolate:
 * probes (a queue message, a database round trip) must not multiply with traffic.
 * GET /health/live answers without touching any dependency (and is the bench's baseline).
 */
import { Hono } from "hono";
import { createRedis, runHealthChecks, type HealthProbeMessage, type HealthReport } from "@xr2/shared";
import type { EdgeEnv, EdgeHono } from "../env.ts";

const REPORT_TTL_MS = 5_000;
const recentReports = new WeakMap<EdgeEnv, { expires: number; report: HealthReport }>();

async function checkDependencies(env: EdgeEnv): Promise<HealthReport> {
  const recent = recentReports.get(env);
  if (recent && recent.expires > Date.now()) return recent.report;
  const report = await runHealthChecks("edge", {
    kv: () => env.PROMPTS_KV.get("health:probe"),
    // A producer cannot read its queue; a probe message (dropped by the consumer) proves it can send.
    queue: () => env.EVENTS_QUEUE.send({ type: "health_probe", sent_at: new Date().toISOString() } satisfies HealthProbeMessage),
    redis: () => createRedis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN }).ping(),
    db: () => env.API.pingDatabase(),
  });
  recentReports.set(env, { expires: Date.now() + REPORT_TTL_MS, report });
  return report;
}

export const healthRoute = new Hono<EdgeHono>()
  .get("/health/live", (c) => c.json({ status: "ok" }))
  .get("/health", async (c) => {
    const report = await checkDependencies(c.get("env"));
    return c.json(report, report.status === "ok" ? 200 : 503);
  });
