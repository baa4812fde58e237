/** GET /api/admin/dead-letters: queue messages that could not be stored (platform admin). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { listDeadLetters } from "../../services/dead-letters/list-dead-letters.ts";

export const deadLetterSchema = z
  .object({
    id: z.string(),
    queue: z.string(),
    message_id: z.string(),
    body: z.unknown(),
    attempts: z.number().int(),
    error: z.string(),
    received_at: z.string(),
    replayed_at: z.string().nullable(),
  })
  .openapi("DeadLetter");

const route = createRoute({
  method: "get",
  path: "/api/admin/dead-letters",
  tags: ["admin"],
  summary: "Queue messages the consumer could not store, newest first (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: {
    query: z.strictObject({
      status: z.enum(["pending", "replayed", "all"]).default("pending"),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().min(1).max(200).optional().openapi({ description: "next_cursor of the previous page" }),
    }),
  },
  responses: {
    200: jsonResponse("A page of dead letters; next_cursor is null on the last page", z.object({ dead_letters: z.array(deadLetterSchema), next_cursor: z.string().nullable() })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN"),
  },
});

export const listDeadLettersRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => c.json(await listDeadLetters({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200));
