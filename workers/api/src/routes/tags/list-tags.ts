import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listTags } from "../../services/tags/list-tags.ts";
import { tagDetailsSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/tags",
  tags: ["tags"],
  summary: "Every tag of the workspace, by name, with how many active prompts carry it",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read")] as const,
  responses: { 200: jsonResponse("Tags", z.object({ tags: z.array(tagDetailsSchema) })), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const listTagsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json({ tags: await listTags({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id } }) }, 200),
);
