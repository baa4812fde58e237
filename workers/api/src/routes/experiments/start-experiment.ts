import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { startExperiment } from "../../services/experiments/start-experiment.ts";
import { experimentIdParam, experimentSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/experiments/{experimentId}/start",
  tags: ["experiments"],
  summary: "Start a draft experiment; get-prompt assigns units to its variants within seconds (409 when another runs on the prompt and environment)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("experiments.manage")] as const,
  request: { params: experimentIdParam },
  responses: { 200: jsonResponse("The running experiment", experimentSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const startExperimentRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const workspace = c.get("workspace")!;
  const experiment = await startExperiment({ ctx: c.get("ctx"), input: { workspaceId: workspace.id, actorUserId: c.get("user")!.id, actor: workspace, experimentId: c.req.valid("param").experimentId } });
  return c.json(experiment, 200);
});
