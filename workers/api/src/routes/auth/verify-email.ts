import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { verifyEmail } from "../../services/auth/verify-email.ts";
import { accountTokenSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/verify-email",
  tags: ["auth"],
  summary: "Verify the account's e-mail address with the token of the verification e-mail",
  description: "The e-mail links to `${SITE_URL}/verify-email?token=…`; the site posts the token here. A token works once, for 24 hours, and only the newest one sent works.",
  request: { body: jsonBody(z.strictObject({ token: accountTokenSchema })) },
  responses: {
    200: jsonResponse("The address is verified", z.object({ verified: z.literal(true), email: z.string() })),
    ...errorResponses("BAD_REQUEST"),
  },
});

export const verifyEmailRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  return c.json(await verifyEmail({ ctx: c.get("ctx"), input: c.req.valid("json") }), 200);
});
