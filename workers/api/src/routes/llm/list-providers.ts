import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq, isNull, or } from "drizzle-orm";
import { llmProviderKeys } from "@xr2/db/schema";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { MODEL_PRICES, PRICE_CURRENCY, PRICES_AS_OF } from "../../services/llm/price-table.ts";
import { LLM_PROVIDERS, PROVIDER_NAMES } from "../../services/llm/providers/provider-names.ts";
import { providerSchema } from "./schemas.ts";

const modelSchema = z.object({
  model: z.string(),
  name: z.string(),
  input_per_million: z.number(),
  output_per_million: z.number(),
  cached_input_per_million: z.number().nullable(),
  context_window: z.number().int(),
});

const route = createRoute({
  method: "get",
  path: "/api/llm/providers",
  tags: ["llm"],
  summary: "Providers, their models with list prices per million tokens (one price table, dated), and whether a workspace or user key exists",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("llm.read")] as const,
  responses: {
    200: jsonResponse(
      "Providers and prices",
      z.object({
        prices_as_of: z.string(),
        currency: z.string(),
        providers: z.array(z.object({ provider: providerSchema, name: z.string(), has_workspace_key: z.boolean(), has_user_key: z.boolean(), models: z.array(modelSchema) })),
      }),
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const listProvidersRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const workspaceId = c.get("workspace")!.id;
  const userId = c.get("user")!.id;
  const keys = await c
    .get("ctx")
    .http()
    .select({ provider: llmProviderKeys.provider, workspaceId: llmProviderKeys.workspaceId })
    .from(llmProviderKeys)
    .where(or(eq(llmProviderKeys.workspaceId, workspaceId), and(eq(llmProviderKeys.userId, userId), isNull(llmProviderKeys.workspaceId))));
  return c.json(
    {
      prices_as_of: PRICES_AS_OF,
      currency: PRICE_CURRENCY,
      providers: LLM_PROVIDERS.map((provider) => ({
        provider,
        name: PROVIDER_NAMES[provider],
        has_workspace_key: keys.some((key) => key.provider === provider && key.workspaceId !== null),
        has_user_key: keys.some((key) => key.provider === provider && key.workspaceId === null),
        models: MODEL_PRICES.filter((price) => price.provider === provider).map((price) => ({
          model: price.model,
          name: price.name,
          input_per_million: price.input,
          output_per_million: price.output,
          cached_input_per_million: price.cachedInput,
          context_window: price.contextWindow,
        })),
      })),
    },
    200,
  );
});
