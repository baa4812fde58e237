import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, explainedErrorResponse, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { limitPasswordResetRequests, sendPasswordReset } from "../../services/auth/request-password-reset.ts";
import { emailSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/forgot-password",
  tags: ["auth"],
  summary: "E-mail a password-reset link to the address, if it has an account",
  description:
    "Answers 202 `{accepted: true}` whether or not the address has an account, and sends the e-mail after answering, so neither the answer nor its timing " +
    "tells. The link (`${SITE_URL}/reset-password?token=…`) works once, for 1 hour; the three newest unused links of an account work. " +
    "Limited per IP and per IP and address (policies forgotPasswordPerIp, forgotPasswordPerIpAndEmail: 429 past them); past the per-address cap " +
    "(forgotPasswordPerEmail) the answer is the same 202 and no e-mail is sent.",
  request: { body: jsonBody(z.strictObject({ email: emailSchema })) },
  responses: {
    202: jsonResponse("Accepted; an e-mail is on its way if the address has an account", z.object({ accepted: z.literal(true) })),
    ...errorResponses(),
    ...explainedErrorResponse("RATE_LIMITED", "too many requests from this IP (policy forgotPasswordPerIp, 20 an hour) or from this IP for this address (forgotPasswordPerIpAndEmail, 5 an hour), whether or not the address has an account"),
  },
});

export const forgotPasswordRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const ctx = c.get("ctx");
  const { email } = c.req.valid("json");
  // Cloudflare sets cf-connecting-ip to the client's address; locally there is none.
  const { send } = await limitPasswordResetRequests(ctx, { email, ip: c.req.header("cf-connecting-ip") });
  if (send) c.executionCtx.waitUntil(sendPasswordReset(ctx, email));
  return c.json({ accepted: true as const }, 202);
});
