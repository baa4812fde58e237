import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { listVersions } from "../../../services/versions/list-versions.ts";
import { promptIdParam } from "../schemas.ts";
import { versionSummarySchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/prompts/{promptId}/versions",
  tags: ["versions"],
  summary: "A prompt's versions, newest first, without their bodies (GET one version for those)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read"), promptReference] as const,
  request: {
    params: promptIdParam,
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().max(256).optional() }),
  },
  responses: {
    200: jsonResponse("A page of versions", z.object({ versions: z.array(versionSummarySchema), next_cursor: z.string().nullable() })),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

export const listVersionsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await listVersions({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, promptId: c.req.valid("param").promptId, ...c.req.valid("query") } }), 200),
);
