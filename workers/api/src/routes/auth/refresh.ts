import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { rotateRefreshToken } from "../../services/auth/tokens.ts";
import { sessionSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/refresh",
  tags: ["auth"],
  summary: "Exchange a refresh token for a new session (the old token stops working)",
  request: { body: jsonBody(z.strictObject({ refresh_token: z.string().min(1).max(200) })) },
  responses: { 200: jsonResponse("A new session", sessionSchema), ...errorResponses("UNAUTHENTICATED") },
});

export const refreshRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const { refresh_token } = c.req.valid("json");
  return c.json(await rotateRefreshToken(c.get("ctx"), refresh_token, c.req.header("user-agent")), 200);
});
