/** GET /api/traces: the trace explorer's list of exposures and events, newest first, filtered, a page at a time. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listTraceItems, MAX_TRACE_ITEMS_PAGE, TRACE_ITEM_KINDS, TRACE_ITEM_STATUSES } from "../../services/traces/list-traces.ts";
import { environmentQuery, eventNameQuery, fromQuery, objectIdQuery, toQuery, workspaceSelector } from "../analytics/schemas.ts";
import { traceItemSchema } from "./schemas.ts";

const query = z.strictObject({
  ...workspaceSelector,
  kind: z.enum(TRACE_ITEM_KINDS).optional().openapi({ description: "Only exposures or only events" }),
  status: z.enum(TRACE_ITEM_STATUSES).optional().openapi({ description: "served / error: exposures by outcome; attributed / unattributed: events whose trace has an exposure, or has none" }),
  prompt_id: objectIdQuery("pr_01j…").optional(),
  version_id: objectIdQuery("pv_01j…").optional(),
  environment: environmentQuery.optional(),
  event_name: eventNameQuery.optional().openapi({ description: "Only events of this name" }),
  trace_id: z.string().min(1).max(64).optional().openapi({ example: "tr_01j…" }),
  unit_id: z.string().min(1).max(256).optional().openapi({ description: "The unit_id (user) the prompt was fetched for" }),
  api_key_id: objectIdQuery("key_01j…").optional().openapi({ description: "The Product API key that fetched the prompt" }),
  from: fromQuery.optional(),
  to: toQuery.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_TRACE_ITEMS_PAGE).default(50),
  cursor: z.string().min(1).max(600).optional().openapi({ description: "next_cursor of the previous page" }),
});

const route = createRoute({
  method: "get",
  path: "/api/traces",
  tags: ["traces"],
  summary: "Exposures (get-prompt answers) and events newest first, filtered by prompt, version, environment, event, trace, unit, key, status and time",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: { query },
  responses: {
    200: jsonResponse("A page of exposures and events; next_cursor is null on the last page", z.object({ items: z.array(traceItemSchema), next_cursor: z.string().nullable() })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const listTracesRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const page = await listTraceItems({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      kind: query.kind,
      status: query.status,
      promptId: query.prompt_id,
      versionId: query.version_id,
      environment: query.environment,
      eventName: query.event_name,
      traceId: query.trace_id,
      unitId: query.unit_id,
      apiKeyId: query.api_key_id,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      limit: query.limit,
      cursor: query.cursor,
    },
  });
  return c.json(page, 200);
});
