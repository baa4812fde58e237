/**
 * Development-only routes (local stack, tests). In production they answer 404 like any
 * unknown path, because nothing here may exist on a real deployment.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { ensureAggregationSchedule } from "../../services/aggregation/ensure-aggregation-schedule.ts";
import { seedDemoWorkspace } from "../../services/demo/seed-demo-workspace.ts";

export const devRoutes = new OpenAPIHono<ApiHono>();

devRoutes.use("/api/dev/*", async (c, next) => {
  if (c.get("ctx").env.ENVIRONMENT === "production") throw new ApiError("NOT_FOUND", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);
  await next();
});

devRoutes.post("/api/dev/seed", async (c) => c.json(await seedDemoWorkspace({ ctx: c.get("ctx") }), 200));

// `npm run dev` registers the aggregation job with the local QStash, as a deploy does with the real one.
devRoutes.post("/api/dev/schedule-aggregation", async (c) => c.json(await ensureAggregationSchedule({ ctx: c.get("ctx"), input: { actorUserId: null } }), 200));
