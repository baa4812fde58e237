import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { requestDeployment } from "../../../services/prompts/request-deployment.ts";
import { versionIdParam } from "../versions/schemas.ts";
import { deploymentSchema, environmentSchema, noteSchema, pendingApprovalSchema, promptIdParam } from "./schemas.ts";

const route = createRoute({
  method: "put",
  path: "/api/prompts/{promptId}/versions/{versionId}/publish",
  tags: ["publishing"],
  summary: "Publish a version to an environment (default production); may need an Admin's approval",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.publish"), promptReference] as const,
  request: {
    params: promptIdParam.extend({ versionId: versionIdParam }),
    // The body is optional: an empty PUT publishes to production.
    body: { required: false, content: { "application/json": { schema: z.strictObject({ environment: environmentSchema.default("production"), note: noteSchema.optional() }) } } },
  },
  responses: {
    200: jsonResponse("Deployed; the edge serves it within seconds", deploymentSchema),
    202: jsonResponse("Waiting for an Admin's approval", pendingApprovalSchema),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT"),
  },
});

export const publishVersionRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const params = c.req.valid("param");
  const body = (c.req.valid("json") as { environment?: "development" | "staging" | "production"; note?: string } | undefined) ?? {};
  const workspace = c.get("workspace")!;
  const outcome = await requestDeployment({
    ctx: c.get("ctx"),
    input: { workspaceId: workspace.id, promptId: params.promptId, chooseVersion: async () => params.versionId, environment: body.environment ?? "production", actorUserId: c.get("user")!.id, actor: workspace, note: body.note },
  });
  return outcome.status === "deployed" ? c.json(outcome, 200) : c.json(outcome, 202);
});
