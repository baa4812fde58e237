/** GET /health (every dependency, 503 when one is down) and GET /health/live (no dependency). */
import { OpenAPIHono } from "@hono/zod-openapi";
import { runHealthChecks } from "@xr2/shared";
import { sql } from "drizzle-orm";
import type { ApiHono } from "../app.ts";

export const healthRoutes = new OpenAPIHono<ApiHono>()
  .get("/health/live", (c) => c.json({ status: "ok" }))
  .get("/health", async (c) => {
    const ctx = c.get("ctx");
    const report = await runHealthChecks("api", {
      db: () => ctx.http().execute(sql`select 1`),
      kv: () => ctx.kv.get("health:probe"),
      redis: () => ctx.redis().ping(),
      qstash: () => pingQStash(ctx.env.QSTASH_URL, ctx.env.QSTASH_TOKEN),
    });
    return c.json(report, report.status === "ok" ? 200 : 503);
  });

/** The API worker consumes the events queue (which a consumer cannot probe) and schedules jobs through QStash. */
async function pingQStash(url: string, token: string): Promise<void> {
  const response = await fetch(new URL("/v2/keys", url), { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`QStash answered ${response.status}`);
}
