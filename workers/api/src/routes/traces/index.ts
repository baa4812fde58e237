/** /api/traces: the trace explorer (exposures and events, one trace at a time). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { getTraceRoute } from "./get-trace.ts";
import { listTracesRoute } from "./list-traces.ts";

export const traceRoutes = new OpenAPIHono<ApiHono>().route("/", listTracesRoute).route("/", getTraceRoute);
