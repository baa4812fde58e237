import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, explainedErrorResponse, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { loginUser } from "../../services/auth/login-user.ts";
import { emailSchema, sessionSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/login",
  tags: ["auth"],
  summary: "Sign in with e-mail and password",
  request: { body: jsonBody(z.strictObject({ email: emailSchema, password: z.string().min(1).max(256) })) },
  responses: {
    200: jsonResponse("A new session", sessionSchema),
    ...errorResponses("UNAUTHENTICATED", "RATE_LIMITED"),
    ...explainedErrorResponse(
      "RATE_LIMITED",
      "too many failed sign-ins from this IP: 10 for one address (loginFailuresPerIpAndEmail) or 50 in all (loginFailuresPerIp) within 15 minutes, until the window ends. " +
        "The account is never locked: the owner signing in from elsewhere is not affected, and a successful sign-in clears its IP's failures for the address. " +
        "Past 10 failures for one address from anywhere (loginSlowdownPerEmail), each attempt at it is answered after a growing delay of at most 2 s.",
    ),
  },
});

export const loginRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const input = c.req.valid("json");
  // Cloudflare sets cf-connecting-ip to the client's address (wrangler dev does too; worker tests set it when they need it).
  const ip = c.req.header("cf-connecting-ip");
  return c.json(await loginUser({ ctx: c.get("ctx"), input: { ...input, userAgent: c.req.header("user-agent"), ip } }), 200);
});
