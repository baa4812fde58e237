import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { promotePrompt } from "../../../services/prompts/promote-prompt.ts";
import { deploymentSchema, environmentSchema, noteSchema, pendingApprovalSchema, promptIdParam } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/prompts/{promptId}/promote",
  tags: ["publishing"],
  summary: "Deploy to `to` the version `from` serves (e.g. staging → production)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.publish"), promptReference] as const,
  request: { params: promptIdParam, body: jsonBody(z.strictObject({ from: environmentSchema, to: environmentSchema, note: noteSchema.optional() })) },
  responses: {
    200: jsonResponse("Deployed", deploymentSchema),
    202: jsonResponse("Waiting for an Admin's approval", pendingApprovalSchema),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT"),
  },
});

export const promoteRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const workspace = c.get("workspace")!;
  const outcome = await promotePrompt({
    ctx: c.get("ctx"),
    input: { workspaceId: workspace.id, promptId: c.req.valid("param").promptId, from: body.from, to: body.to, actorUserId: c.get("user")!.id, actor: workspace, note: body.note },
  });
  return outcome.status === "deployed" ? c.json(outcome, 200) : c.json(outcome, 202);
});
