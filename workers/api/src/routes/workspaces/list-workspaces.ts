import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { listWorkspaces } from "../../services/workspaces/list-workspaces.ts";
import { myWorkspaceSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/workspaces",
  tags: ["workspaces"],
  summary: "The caller's workspaces with their role in each",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  responses: { 200: jsonResponse("Workspaces", z.object({ workspaces: z.array(myWorkspaceSchema) })), ...errorResponses("UNAUTHENTICATED") },
});

export const listWorkspacesRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json({ workspaces: await listWorkspaces({ ctx: c.get("ctx"), input: { userId: c.get("user")!.id } }) }, 200),
);
