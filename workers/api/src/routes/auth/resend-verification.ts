import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { errorResponses, explainedErrorResponse, jsonResponse } from "../../openapi/responses.ts";
import { resendVerification } from "../../services/auth/resend-verification.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/resend-verification",
  tags: ["auth"],
  summary: "Send the signed-in user another verification e-mail (earlier links stop working)",
  description: "Limited per user (policy resendVerificationPerUser: 3 an hour by default); past it, 429 with Retry-After.",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  responses: {
    202: jsonResponse("The e-mail was sent", z.object({ sent: z.literal(true) })),
    ...errorResponses("UNAUTHENTICATED", "CONFLICT", "DEPENDENCY_UNAVAILABLE"),
    ...explainedErrorResponse("RATE_LIMITED", "too many e-mails asked for by this user (policy resendVerificationPerUser, 3 an hour)"),
  },
});

export const resendVerificationRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  return c.json(await resendVerification({ ctx: c.get("ctx"), input: { userId: c.get("user")!.id } }), 202);
});
