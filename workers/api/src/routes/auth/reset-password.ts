import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, explainedErrorResponse, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { resetPassword } from "../../services/auth/reset-password.ts";
import { accountTokenSchema, passwordSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/reset-password",
  tags: ["auth"],
  summary: "Set a new password with the token of the reset e-mail; every session of the account ends",
  description:
    "Every refresh token of the user is revoked and every access token issued before stops working at its next call; the address counts as verified. " +
    "An unknown, used or expired token (1 hour) answers 400; a refused password answers 400 VALIDATION_FAILED and leaves the token usable.",
  request: { body: jsonBody(z.strictObject({ token: accountTokenSchema, password: passwordSchema })) },
  responses: {
    200: jsonResponse("The password is changed; sign in with it", z.object({ reset: z.literal(true) })),
    ...errorResponses("BAD_REQUEST"),
    ...explainedErrorResponse(
      "VALIDATION_FAILED",
      "BAD_REQUEST when the token is unknown, used or expired; VALIDATION_FAILED when the body is invalid or the password is too easy to guess (the message says why, as at registration)",
    ),
  },
});

export const resetPasswordRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  return c.json(await resetPassword({ ctx: c.get("ctx"), input: c.req.valid("json") }), 200);
});
