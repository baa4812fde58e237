import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { acceptAccessTokens, authenticate } from "../../middleware/authenticate.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { getCurrentAccessToken } from "../../services/access-tokens/get-current-access-token.ts";
import { currentAccessTokenSchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/access-tokens/current",
  tags: ["access-tokens"],
  summary: "The access token this call is made with: its workspace, scopes, expiry and creator (the CLI's `whoami`)",
  security: [{ bearer: [] }],
  middleware: [authenticate, acceptAccessTokens] as const,
  responses: { 200: jsonResponse("The calling token", currentAccessTokenSchema), ...errorResponses("UNAUTHENTICATED", "BAD_REQUEST") },
});

export const getCurrentAccessTokenRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const accessToken = c.get("accessToken");
  if (!accessToken) throw new ApiError("BAD_REQUEST", "This call was made with a session, not an access token; send the token as 'Authorization: Bearer xr2_at_…'");
  return c.json(await getCurrentAccessToken({ ctx: c.get("ctx"), input: { tokenId: accessToken.id } }), 200);
});
