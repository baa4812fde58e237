/** /api/product-api-keys: keys the apps use to call the Product API at the edge (E2). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { createApiKeyRoute } from "./create-api-key.ts";
import { listApiKeysRoute } from "./list-api-keys.ts";
import { revokeApiKeyRoute } from "./revoke-api-key.ts";
import { listRequestLogRoute } from "./list-request-log.ts";
import { updateApiKeyRoute } from "./update-api-key.ts";

export const apiKeyRoutes = new OpenAPIHono<ApiHono>().route("/", createApiKeyRoute).route("/", listApiKeysRoute).route("/", revokeApiKeyRoute).route("/", updateApiKeyRoute).route("/", listRequestLogRoute);
