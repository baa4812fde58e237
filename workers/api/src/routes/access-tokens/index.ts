/** /api/access-tokens: tokens for the management API that the CLI, CI and MCP clients send (issue #16). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { createAccessTokenRoute } from "./create-access-token.ts";
import { getCurrentAccessTokenRoute } from "./get-current-access-token.ts";
import { listAccessTokensRoute } from "./list-access-tokens.ts";
import { revokeAccessTokenRoute } from "./revoke-access-token.ts";

export const accessTokenRoutes = new OpenAPIHono<ApiHono>().route("/", getCurrentAccessTokenRoute).route("/", createAccessTokenRoute).route("/", listAccessTokensRoute).route("/", revokeAccessTokenRoute);
