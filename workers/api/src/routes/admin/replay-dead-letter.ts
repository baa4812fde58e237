/** POST /api/admin/dead-letters/{deadLetterId}/replay: back onto the events queue (platform admin). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../../middleware/require-platform-admin.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { replayDeadLetter } from "../../services/dead-letters/replay-dead-letter.ts";
import { deadLetterSchema } from "./list-dead-letters.ts";

const route = createRoute({
  method: "post",
  path: "/api/admin/dead-letters/{deadLetterId}/replay",
  tags: ["admin"],
  summary: "Put a dead letter back on the events queue; storing is idempotent, so nothing is stored twice (platform admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate, requirePlatformAdmin] as const,
  request: { params: z.object({ deadLetterId: z.string().max(64).openapi({ param: { name: "deadLetterId", in: "path" }, example: "dl_01j…" }) }) },
  responses: { 200: jsonResponse("The dead letter, marked replayed", deadLetterSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const replayDeadLetterRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await replayDeadLetter({ ctx: c.get("ctx"), input: { actorUserId: c.get("user")!.id, deadLetterId: c.req.valid("param").deadLetterId } }), 200),
);
