import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { createWorkspace } from "../../services/workspaces/create-workspace.ts";
import { myWorkspaceSchema, workspaceNameSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/workspaces",
  tags: ["workspaces"],
  summary: "Create a workspace (the caller becomes its owner and Admin)",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { body: jsonBody(z.strictObject({ name: workspaceNameSchema })) },
  responses: { 201: jsonResponse("The new workspace", myWorkspaceSchema), ...errorResponses("UNAUTHENTICATED") },
});

export const createWorkspaceRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const workspace = await createWorkspace({ ctx: c.get("ctx"), input: { userId: c.get("user")!.id, name: c.req.valid("json").name } });
  return c.json(workspace, 201);
});
