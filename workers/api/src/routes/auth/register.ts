import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { registerUser } from "../../services/auth/register-user.ts";
import { emailSchema, passwordSchema, sessionSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/register",
  tags: ["auth"],
  summary: "Create an account with e-mail and password; a verification e-mail goes to the address",
  description: "The account can sign in at once; `GET /api/auth/me` says `email_verified: false` until the link of the e-mail (`${SITE_URL}/verify-email?token=…`) is used.",
  request: { body: jsonBody(z.strictObject({ email: emailSchema, password: passwordSchema, name: z.string().trim().min(1).max(100) })) },
  responses: { 201: jsonResponse("The new account's session", sessionSchema), ...errorResponses("CONFLICT") },
});

export const registerRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const input = c.req.valid("json");
  const session = await registerUser({ ctx: c.get("ctx"), input: { ...input, userAgent: c.req.header("user-agent") } });
  return c.json(session, 201);
});
