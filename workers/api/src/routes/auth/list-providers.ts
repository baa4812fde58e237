/**
 * GET /api/auth/providers: which sign-in methods this server offers, so the site shows
 * "Continue with Google" only where Google sign-in is configured (public, no secrets).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { googleConfig } from "../../services/auth/google-config.ts";
import type { ApiEnv } from "../../env.ts";

const route = createRoute({
  method: "get",
  path: "/api/auth/providers",
  tags: ["auth"],
  summary: "The sign-in methods this server offers",
  description: "`google` is true only when Google sign-in is fully configured (a half-configured one answers false here and 500 on its own routes).",
  responses: {
    200: jsonResponse("Sign-in methods", z.object({ password: z.literal(true), google: z.boolean() }).openapi("SignInProviders")),
    ...errorResponses(),
  },
});

function googleEnabled(env: ApiEnv): boolean {
  try {
    googleConfig(env);
    return true;
  } catch (error) {
    if (error instanceof ApiError) return false;
    throw error;
  }
}

export const listProvidersRoute = new OpenAPIHono<ApiHono>().openapi(route, (c) => {
  c.header("Cache-Control", "no-store");
  return c.json({ password: true as const, google: googleEnabled(c.get("ctx").env) }, 200);
});
