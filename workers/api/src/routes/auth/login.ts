import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { loginUser } from "../../services/auth/login-user.ts";
import { emailSchema, sessionSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/login",
  tags: ["auth"],
  summary: "Sign in with e-mail and password",
  request: { body: jsonBody(z.strictObject({ email: emailSchema, password: z.string().min(1).max(256) })) },
  responses: { 200: jsonResponse("A new session", sessionSchema), ...errorResponses("UNAUTHENTICATED", "RATE_LIMITED") },
});

export const loginRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const input = c.req.valid("json");
  // Cloudflare sets cf-connecting-ip to the client's address; locally there is none.
  const ip = c.req.header("cf-connecting-ip");
  return c.json(await loginUser({ ctx: c.get("ctx"), input: { ...input, userAgent: c.req.header("user-agent"), ip } }), 200);
});
