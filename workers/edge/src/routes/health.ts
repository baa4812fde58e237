/** GET /health: KV, the events queue, Redis and, through the API worker, the database. */
import { Hono } from "hono";
import { runHealthChecks, type HealthProbeMessage } from "@xr2/shared";
import type { EdgeHono } from "../env.ts";
import { createRedis } from "../redis.ts";

export const healthRoute = new Hono<EdgeHono>()
  // Liveness: answers without touching any dependency (also the bench's baseline route).
  .get("/health/live", (c) => c.json({ status: "ok" }))
  .get("/health", async (c) => {
  const env = c.get("env");
  const report = await runHealthChecks("edge", {
    kv: () => env.PROMPTS_KV.get("health:probe"),
    // A producer cannot read its queue; a probe message (dropped by the consumer) proves it can send.
    queue: () => env.EVENTS_QUEUE.send({ type: "health_probe", sent_at: new Date().toISOString() } satisfies HealthProbeMessage),
    redis: () => createRedis(env).ping(),
    db: () => env.API.pingDatabase(),
  });
  return c.json(report, report.status === "ok" ? 200 : 503);
});
