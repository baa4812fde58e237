/** GET /api/analytics/serving: how apps were served — by the edge, by SDKs from where they had the template, or from their own fallback (D2). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { getServing, SERVING_MAX_RANGE_DAYS, SERVING_ORIGINS, SERVING_TOP_FALLBACK_SLUGS } from "../../services/analytics/serving.ts";
import { environmentQuery, fromQuery, objectIdQuery, toQuery, workspaceSelector } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/analytics/serving",
  tags: ["analytics"],
  summary: "How apps were served: get-prompt answers rendered by the edge, prompts SDKs rendered from a fresh fetch, their cache, a stale copy or a bundle, and the app's own fallbacks",
  description: `Over at most ${SERVING_MAX_RANGE_DAYS} days. without_xr2 counts the answers given while xR2 could not be reached (stale, bootstrap, fallback). Fallbacks name the slug the app asked for; for a prompt, those under its current slug.`,
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: {
    query: z.strictObject({
      ...workspaceSelector,
      from: fromQuery,
      to: toQuery,
      prompt_id: objectIdQuery("pr_01j…").optional(),
      environment: environmentQuery.optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      "Counts by origin over the range",
      z
        .object({
          from: z.string(),
          to: z.string(),
          total: z.number().int(),
          by_origin: z.array(z.object({ origin: z.enum(SERVING_ORIGINS), count: z.number().int(), share: z.number().nullable() })),
          without_xr2: z.number().int(),
          fallback_slugs: z.array(z.object({ slug: z.string(), count: z.number().int() })).openapi({ description: `The ${SERVING_TOP_FALLBACK_SLUGS} slugs most served from a fallback` }),
        })
        .openapi("Serving"),
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BUDGET_EXCEEDED"),
  },
});

export const servingRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  return c.json(await getServing({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, from: new Date(query.from), to: new Date(query.to), promptId: query.prompt_id, environment: query.environment } }), 200);
});
