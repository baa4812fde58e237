import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listAccessTokens } from "../../services/access-tokens/list-access-tokens.ts";
import { accessTokenSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/access-tokens",
  tags: ["access-tokens"],
  summary: "Your access tokens in this workspace (an Admin sees every member's): live ones first; never the tokens themselves",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("access_tokens.own")] as const,
  responses: { 200: jsonResponse("Access tokens", z.object({ access_tokens: z.array(accessTokenSchema) })), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const listAccessTokensRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const workspace = c.get("workspace")!;
  const tokens = await listAccessTokens({ ctx: c.get("ctx"), input: { workspaceId: workspace.id, userId: c.get("user")!.id, role: workspace.role } });
  return c.json({ access_tokens: tokens }, 200);
});
