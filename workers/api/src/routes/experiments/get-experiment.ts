import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { getExperiment } from "../../services/experiments/get-experiment.ts";
import { experimentIdParam, experimentSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/experiments/{experimentId}",
  tags: ["experiments"],
  summary: "One experiment with its variants",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read")] as const,
  request: { params: experimentIdParam },
  responses: { 200: jsonResponse("The experiment", experimentSchema), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const getExperimentRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await getExperiment({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, experimentId: c.req.valid("param").experimentId } }), 200),
);
