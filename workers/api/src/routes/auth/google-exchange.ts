import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { redeemHandOff } from "../../services/auth/google-hand-off.ts";
import { sessionSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/google/exchange",
  tags: ["auth"],
  summary: "Trade the one-time code of a Google sign-in (and the site's verifier) for a session",
  request: {
    body: jsonBody(
      z.strictObject({
        code: z.string().min(1).max(100),
        code_verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, "must be the 43–128 character verifier the sign-in was started with"),
      }),
    ),
  },
  responses: {
    200: jsonResponse("A new session, and the site path the sign-in was started for", sessionSchema.extend({ redirect_to: z.string() }).openapi("GoogleSession")),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

export const googleExchangeRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const ctx = c.get("ctx");
  const { code, code_verifier } = c.req.valid("json");
  return c.json(await redeemHandOff({ ctx, input: { code, codeVerifier: code_verifier, userAgent: c.req.header("user-agent") } }), 200);
});
