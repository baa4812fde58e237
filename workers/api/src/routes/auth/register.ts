import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, explainedErrorResponse, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { registerUser } from "../../services/auth/register-user.ts";
import { emailSchema, passwordSchema, sessionSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/register",
  tags: ["auth"],
  summary: "Create an account with e-mail and password; a verification e-mail goes to the address",
  description: "The account can sign in at once; `GET /api/auth/me` says `email_verified: false` until the link of the e-mail (`${SITE_URL}/verify-email?token=…`) is used.",
  request: { body: jsonBody(z.strictObject({ email: emailSchema, password: passwordSchema, name: z.string().trim().min(1).max(100) })) },
  responses: {
    201: jsonResponse("The new account's session", sessionSchema),
    ...errorResponses("CONFLICT"),
    ...explainedErrorResponse(
      "VALIDATION_FAILED",
      'the body is invalid, or the password is too easy to guess (zxcvbn score below 3 on its first 64 characters, the e-mail and name counting as known words); the message says why, e.g. "This password is too easy to guess: This is a commonly used password."',
    ),
    ...explainedErrorResponse("RATE_LIMITED", "too many sign-ups from this IP (policy signUpPerIp, 5 an hour unless RATE_LIMIT_OVERRIDES says otherwise)"),
  },
});

export const registerRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const input = c.req.valid("json");
  // Cloudflare sets cf-connecting-ip to the client's address (wrangler dev does too).
  const ip = c.req.header("cf-connecting-ip");
  const session = await registerUser({ ctx: c.get("ctx"), input: { ...input, userAgent: c.req.header("user-agent"), ip } });
  return c.json(session, 201);
});
