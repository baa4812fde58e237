import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, jsonBody } from "../../openapi/responses.ts";
import { revokeRefreshToken } from "../../services/auth/tokens.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/logout",
  tags: ["auth"],
  summary: "End the session of a refresh token (and every token rotated from it)",
  request: { body: jsonBody(z.strictObject({ refresh_token: z.string().min(1).max(200) })) },
  responses: { 204: { description: "Signed out" }, ...errorResponses() },
});

export const logoutRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  await revokeRefreshToken(c.get("ctx"), c.req.valid("json").refresh_token);
  return c.body(null, 204);
});
