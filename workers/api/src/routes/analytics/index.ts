/** /api/analytics: prompt statistics, events, funnels, cohorts, LLM usage and how apps were served, each also exportable as CSV or JSON (A3–A5, A7). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { cohortsRoute } from "./cohorts.ts";
import { funnelsRoute } from "./funnels.ts";
import { listEventsRoute } from "./list-events.ts";
import { llmUsageRoute } from "./llm-usage.ts";
import { promptStatsRoute } from "./prompt-stats.ts";
import { servingRoute } from "./serving.ts";

export const analyticsRoutes = new OpenAPIHono<ApiHono>().route("/", promptStatsRoute).route("/", listEventsRoute).route("/", funnelsRoute).route("/", cohortsRoute).route("/", llmUsageRoute).route("/", servingRoute);
