/** /api/llm: provider keys, providers and prices, test-key, playground runs, comparisons, token counts (L1–L4). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { compareRoute } from "./compare.ts";
import { countTokensRoute } from "./count-tokens.ts";
import { deleteProviderKeyRoutes } from "./delete-provider-key.ts";
import { listProviderKeysRoute } from "./list-provider-keys.ts";
import { listProvidersRoute } from "./list-providers.ts";
import { runRoute } from "./run.ts";
import { saveProviderKeyRoutes } from "./save-provider-key.ts";
import { testKeyRoute } from "./test-key.ts";

export const llmRoutes = new OpenAPIHono<ApiHono>()
  .route("/", listProvidersRoute)
  .route("/", listProviderKeysRoute)
  .route("/", saveProviderKeyRoutes)
  .route("/", deleteProviderKeyRoutes)
  .route("/", testKeyRoute)
  .route("/", runRoute)
  .route("/", compareRoute)
  .route("/", countTokensRoute);
