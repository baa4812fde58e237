import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { stopExperiment } from "../../services/experiments/stop-experiment.ts";
import { experimentIdParam, experimentSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/experiments/{experimentId}/stop",
  tags: ["experiments"],
  summary: "Stop a running experiment; get-prompt serves the published version to everyone again",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("experiments.manage")] as const,
  request: { params: experimentIdParam },
  responses: { 200: jsonResponse("The stopped experiment", experimentSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const stopExperimentRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const experiment = await stopExperiment({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, experimentId: c.req.valid("param").experimentId } });
  return c.json(experiment, 200);
});
