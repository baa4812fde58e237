import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { deleteExperiment } from "../../services/experiments/delete-experiment.ts";
import { experimentIdParam } from "./schemas.ts";

const route = createRoute({
  method: "delete",
  path: "/api/experiments/{experimentId}",
  tags: ["experiments"],
  summary: "Delete a draft or stopped experiment (a running one must be stopped first)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("experiments.manage")] as const,
  request: { params: experimentIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const deleteExperimentRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  await deleteExperiment({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, experimentId: c.req.valid("param").experimentId } });
  return c.body(null, 204);
});
