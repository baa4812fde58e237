import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { deleteCookie, getCookie } from "hono/cookie";
import type { ApiHono } from "../../app.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { completeGoogleSignIn, googleSignInCookie } from "../../services/auth/google-sign-in.ts";

const route = createRoute({
  method: "get",
  path: "/api/auth/google/callback",
  tags: ["auth"],
  summary: "Where Google returns the browser (GOOGLE_REDIRECT_URI); redirects to the site with a one-time code",
  request: {
    // Not strict: Google adds parameters of its own (scope, authuser, prompt, hd, iss).
    query: z.object({
      state: z.string().min(1).max(128),
      code: z.string().min(1).max(2048).optional(),
      error: z.string().max(200).optional(),
    }),
  },
  responses: {
    302: { description: "To `${SITE_URL}/auth/callback#code=…`; clears the sign-in cookie", headers: z.object({ Location: z.string() }) },
    ...errorResponses("BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "MISCONFIGURED", "DEPENDENCY_UNAVAILABLE"),
  },
});

export const googleCallbackRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const ctx = c.get("ctx");
  const query = c.req.valid("query");
  const cookie = googleSignInCookie(ctx);
  const sealedState = getCookie(c, cookie.name);
  // One attempt per cookie: whatever the outcome, the browser forgets it (error answers keep this header).
  deleteCookie(c, cookie.name, { path: "/", secure: cookie.secure, httpOnly: true, sameSite: "Lax" });
  c.header("Cache-Control", "no-store");
  const { siteUrl } = await completeGoogleSignIn({ ctx, input: { sealedState, state: query.state, code: query.code, error: query.error } });
  return c.redirect(siteUrl, 302);
});
