import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listPrompts, PROMPT_SORTS } from "../../services/prompts/list-prompts.ts";
import { promptSchema, promptStatusSchema } from "./schemas.ts";

const query = z.object({
  q: z.string().max(200).optional().openapi({ description: "Case-insensitive substring of slug, name or description; % and _ are literal" }),
  tag: z.string().max(64).optional().openapi({ description: "Only prompts carrying this tag (id or name)" }),
  status: promptStatusSchema.default("active"),
  sort: z.enum(PROMPT_SORTS).default("updated_at"),
  order: z.enum(["asc", "desc"]).optional().openapi({ description: "Default: desc for dates, asc for name and slug" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2048).optional().openapi({ description: "next_cursor of the previous page, with the same sort and order" }),
});

const route = createRoute({
  method: "get",
  path: "/api/prompts",
  tags: ["prompts"],
  summary: "Search, filter and sort the workspace's prompts, a page at a time",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read")] as const,
  request: { query },
  responses: {
    200: jsonResponse("A page of prompts", z.object({ prompts: z.array(promptSchema), next_cursor: z.string().nullable() })),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

export const listPromptsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await listPrompts({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, ...c.req.valid("query") } }), 200),
);
