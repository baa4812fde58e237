/**
 * POST /api/jobs/aggregate: the target of the QStash schedule (services/aggregation). No access
 * token: QStash proves itself with the Upstash-Signature. A failed run answers 5xx and QStash
 * retries it; a repeated delivery recomputes the same numbers. Not in the OpenAPI document,
 * which describes the API for clients.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { verifyQStashSignature } from "../../middleware/verify-qstash-signature.ts";
import { runAggregation } from "../../services/aggregation/run-aggregation.ts";

export const aggregationJobRoute = new OpenAPIHono<ApiHono>().post("/api/jobs/aggregate", verifyQStashSignature, async (c) =>
  c.json(await runAggregation({ ctx: c.get("ctx"), input: {} }), 200),
);
