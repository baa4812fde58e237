import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listExperiments } from "../../services/experiments/list-experiments.ts";
import { environmentSchema, experimentSchema, experimentStatusSchema } from "./schemas.ts";

const query = z.strictObject({
  status: experimentStatusSchema.optional(),
  prompt_id: z.string().min(1).max(64).optional(),
  environment: environmentSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional().openapi({ description: "next_cursor of the previous page" }),
});

const route = createRoute({
  method: "get",
  path: "/api/experiments",
  tags: ["experiments"],
  summary: "The workspace's experiments, newest first, filtered by status, prompt and environment",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read")] as const,
  request: { query },
  responses: {
    200: jsonResponse("A page of experiments; next_cursor is null on the last page", z.object({ experiments: z.array(experimentSchema), next_cursor: z.string().nullable() })),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

export const listExperimentsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const page = await listExperiments({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, status: query.status, promptId: query.prompt_id, environment: query.environment, limit: query.limit, cursor: query.cursor },
  });
  return c.json(page, 200);
});
