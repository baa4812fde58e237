import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { setCookie } from "hono/cookie";
import type { ApiHono } from "../../app.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { startGoogleSignIn } from "../../services/auth/google-sign-in.ts";

const route = createRoute({
  method: "get",
  path: "/api/auth/google",
  tags: ["auth"],
  summary: "Start Google sign-in: redirects the browser to Google",
  description:
    "Open this in the browser (a navigation, not a fetch). The site first keeps a random verifier (43–128 characters) and sends its S256 challenge; " +
    "after Google, the browser lands on `${SITE_URL}/auth/callback#code=…`, and the site trades that code and the verifier at POST /api/auth/google/exchange.",
  request: {
    query: z.strictObject({
      redirect_to: z.string().min(1).max(512).optional().openapi({ description: "A path on the site to return to after sign-in (default /)", example: "/prompts" }),
      code_challenge: z
        .string()
        .regex(/^[A-Za-z0-9_-]{43}$/, "must be base64url(SHA-256(verifier)) without padding")
        .openapi({ description: "base64url(SHA-256(verifier)) of a verifier the site keeps for the exchange" }),
    }),
  },
  responses: {
    302: { description: "To Google's consent screen; sets the short-lived sign-in cookie", headers: z.object({ Location: z.string(), "Set-Cookie": z.string() }) },
    ...errorResponses("NOT_FOUND", "MISCONFIGURED"),
  },
});

export const googleStartRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const query = c.req.valid("query");
  const { authorizationUrl, cookie } = await startGoogleSignIn({ ctx: c.get("ctx"), input: { redirectTo: query.redirect_to ?? "/", handOffChallenge: query.code_challenge } });
  // Lax: sent on the top-level GET back from Google, never on cross-site subrequests.
  setCookie(c, cookie.name, cookie.value, { httpOnly: true, secure: cookie.secure, sameSite: "Lax", path: "/", maxAge: cookie.maxAge });
  c.header("Cache-Control", "no-store");
  return c.redirect(authorizationUrl, 302);
});
