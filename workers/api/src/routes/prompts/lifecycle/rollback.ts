import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { rollbackPrompt } from "../../../services/prompts/rollback-prompt.ts";
import { deploymentSchema, environmentSchema, noteSchema, promptIdParam } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/prompts/{promptId}/rollback",
  tags: ["publishing"],
  summary: "Re-point an environment at an earlier version (default: the one it served before)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.publish"), promptReference] as const,
  request: { params: promptIdParam, body: jsonBody(z.strictObject({ environment: environmentSchema.default("production"), version_id: z.string().max(64).optional(), note: noteSchema.optional() })) },
  responses: { 200: jsonResponse("Rolled back", deploymentSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const rollbackRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const deployment = await rollbackPrompt({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, promptId: c.req.valid("param").promptId, environment: body.environment, versionId: body.version_id, actorUserId: c.get("user")!.id, note: body.note },
  });
  return c.json({ status: "deployed" as const, ...deployment }, 200);
});
