/** GET /api/analytics/events: the workspace's business events, newest first, with filters and cursor pagination (A3). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { eventsExport, listEvents, MAX_EVENTS_PAGE } from "../../services/analytics/list-events.ts";
import { exportResponse, requestedExportFormat } from "../../services/analytics/table-export.ts";
import { exportableContent, eventNameQuery, formatQuery, fromQuery, objectIdQuery, toQuery, workspaceSelector } from "./schemas.ts";

const query = z.strictObject({
  ...workspaceSelector,
  event_name: eventNameQuery.optional(),
  prompt_id: objectIdQuery("pr_01j…").optional().openapi({ description: "Events attributed to this prompt" }),
  version_id: objectIdQuery("pv_01j…").optional().openapi({ description: "Events attributed to this version" }),
  trace_id: z.string().min(1).max(200).optional().openapi({ example: "tr_01j…" }),
  from: fromQuery.optional(),
  to: toQuery.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_EVENTS_PAGE).default(50),
  cursor: z.string().min(1).max(600).optional().openapi({ description: "next_cursor of the previous page; an export starts after it" }),
  format: formatQuery,
});

const eventSchema = z
  .object({
    event_id: z.string(),
    trace_id: z.string(),
    event_name: z.string(),
    category: z.string().nullable(),
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    occurred_at: z.string(),
    received_at: z.string(),
    prompt_id: z.string().nullable().openapi({ description: "Attribution from the exposure with the same trace_id; null until it arrives" }),
    version_id: z.string().nullable(),
    variant: z.string().nullable(),
  })
  .openapi("AnalyticsEvent");

const route = createRoute({
  method: "get",
  path: "/api/analytics/events",
  tags: ["analytics"],
  summary: "Business events newest first, filtered by name, prompt, version, trace and time, a page at a time",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: { query },
  responses: {
    200: {
      description: "A page of events (next_cursor is null on the last page), or every match as an attachment",
      content: exportableContent(z.object({ events: z.array(eventSchema), next_cursor: z.string().nullable() })),
    },
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const listEventsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const { format, limit, ...query } = c.req.valid("query");
  const input = {
    workspaceId: c.get("workspace")!.id,
    eventName: query.event_name,
    promptId: query.prompt_id,
    versionId: query.version_id,
    traceId: query.trace_id,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    cursor: query.cursor,
  };
  const exportFormat = requestedExportFormat(format, c.req.header("accept"));
  if (exportFormat) {
    return exportResponse(await eventsExport({ ctx: c.get("ctx"), input }), { format: exportFormat, fileName: `events-${new Date().toISOString().slice(0, 10)}`, requestId: c.get("requestId") });
  }
  return c.json(await listEvents({ ctx: c.get("ctx"), input: { ...input, limit } }), 200);
});
