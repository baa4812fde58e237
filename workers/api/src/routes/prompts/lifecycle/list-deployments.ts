import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { listDeployments } from "../../../services/prompts/list-deployments.ts";
import { environmentSchema, includePinSchema, promptIdParam } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/prompts/{promptId}/deployments",
  tags: ["publishing"],
  summary: "What each environment serves, and the deployment history (newest first)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read"), promptReference] as const,
  request: {
    params: promptIdParam,
    query: z.object({ environment: environmentSchema.optional(), limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().max(200).optional() }),
  },
  responses: {
    200: jsonResponse(
      "Deployments",
      z.object({
        environments: z.record(z.string(), z.object({ version_id: z.string(), version: z.number(), updated_at: z.string() })),
        deployments: z.array(
          z.object({
            id: z.string(),
            environment: environmentSchema,
            action: z.string(),
            from_version_id: z.string().nullable(),
            to_version_id: z.string(),
            version: z.number(),
            actor_user_id: z.string().nullable(),
            actor_name: z.string().nullable().openapi({ description: "Who deployed (for an approved request: the approving Admin); null when the account is gone" }),
            requested_by_id: z.string().nullable().openapi({ description: "For an approved request: who asked for it" }),
            requested_by_name: z.string().nullable(),
            approval: z.string(),
            approval_request_id: z.string().nullable(),
            note: z.string().nullable(),
            includes: z.array(includePinSchema).openapi({ description: "Snippets this deployment inlined ({% include %}), with the snippet version pinned" }),
            created_at: z.string(),
          }),
        ),
        next_cursor: z.string().nullable(),
      }),
    ),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

export const listDeploymentsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  return c.json(await listDeployments({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, promptId: c.req.valid("param").promptId, ...query } }), 200);
});
