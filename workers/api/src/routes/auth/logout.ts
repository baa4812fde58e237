import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { bearerToken } from "../../middleware/authenticate.ts";
import { errorResponses, jsonBody } from "../../openapi/responses.ts";
import { revokeFamily, revokeRefreshToken, verifyAccessToken } from "../../services/auth/tokens.ts";

const route = createRoute({
  method: "post",
  path: "/api/auth/logout",
  tags: ["auth"],
  summary: "End a session: the refresh token's, or the access token's (Authorization), or both",
  description:
    "Every refresh token of the session and every access token issued with them stop working at once. Send the refresh token in the body, " +
    "the access token as 'Authorization: Bearer', or both; an unknown refresh token is ignored (logging out twice is harmless).",
  request: { body: { ...jsonBody(z.strictObject({ refresh_token: z.string().min(1).max(200).optional() })), required: false } },
  responses: { 204: { description: "Signed out" }, ...errorResponses("UNAUTHENTICATED") },
});

export const logoutRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const ctx = c.get("ctx");
  const refreshToken = c.req.valid("json").refresh_token;
  const bearer = bearerToken(c);
  if (refreshToken === undefined && bearer === undefined) {
    throw new ApiError("UNAUTHENTICATED", "Send the refresh token as {\"refresh_token\"} or the access token as 'Authorization: Bearer <token>'");
  }
  if (refreshToken !== undefined) await revokeRefreshToken(ctx, refreshToken);
  if (bearer !== undefined) {
    // An expired access token beside a refresh token is the usual case: the refresh token ends the session.
    const claims = await verifyAccessToken(ctx, bearer).catch((error: unknown) => {
      if (refreshToken !== undefined && error instanceof ApiError) return undefined;
      throw error;
    });
    if (claims) await revokeFamily(ctx, claims.sessionId);
  }
  return c.body(null, 204);
});
