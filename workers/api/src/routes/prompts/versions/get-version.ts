import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { getVersion } from "../../../services/versions/get-version.ts";
import { versionParams, versionSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/prompts/{promptId}/versions/{versionId}",
  tags: ["versions"],
  summary: "One version with its body, variables and model settings",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read"), promptReference] as const,
  request: { params: versionParams },
  responses: { 200: jsonResponse("The version", versionSchema), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const getVersionRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await getVersion({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, ...c.req.valid("param") } }), 200),
);
