/** GET /api/analytics/live: requests and events per minute over the last hour, for a prompt or the workspace (A3). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { prompts } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { LIVE_WINDOW_MINUTES, readLiveCounts } from "../../services/live-counters/live-counts.ts";

const route = createRoute({
  method: "get",
  path: "/api/analytics/live",
  tags: ["analytics"],
  summary: `Live counters: requests (get-prompt answers) and events per minute over the last ${LIVE_WINDOW_MINUTES} minutes`,
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("analytics.read")] as const,
  request: {
    query: z.strictObject({
      prompt_id: z.string().min(1).max(64).optional().openapi({ description: "A prompt of the workspace; the whole workspace when absent (events without a known trace count only there)" }),
    }),
  },
  responses: {
    200: jsonResponse(
      "One entry per minute, oldest first; the last is the current minute. Approximate: counted as the queue consumer stores rows",
      z.object({
        prompt_id: z.string().nullable(),
        minutes: z.array(z.object({ minute: z.string(), requests: z.number().int(), events: z.number().int() })),
      }),
    ),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND", "DEPENDENCY_UNAVAILABLE"),
  },
});

export const liveCountsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const ctx = c.get("ctx");
  const workspaceId = c.get("workspace")!.id;
  const promptId = c.req.valid("query").prompt_id ?? null;
  if (promptId !== null) {
    const [prompt] = await ctx.http().select({ id: prompts.id }).from(prompts).where(and(eq(prompts.id, promptId), eq(prompts.workspaceId, workspaceId))).limit(1);
    if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
  }
  return c.json({ prompt_id: promptId, minutes: await readLiveCounts({ ctx, input: { workspaceId, promptId } }) }, 200);
});
