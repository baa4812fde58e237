/** The public shapes of /api/product-api-keys. */
import { z } from "@hono/zod-openapi";
import { apiKeyScopes } from "@xr2/db/schema";
import { ENVIRONMENTS } from "@xr2/shared";

export const apiKeyScopeSchema = z.enum(apiKeyScopes);
export const environmentSchema = z.enum(ENVIRONMENTS);
export const keyIdParam = z.object({ keyId: z.string().max(64).openapi({ param: { name: "keyId", in: "path" }, example: "key_01j…" }) });

/** A key's own rate limit (E3): `requests` per sliding window of `window_seconds`, for each kind of Product API call. */
export const rateLimitSchema = z
  .strictObject({
    requests: z.number().int().min(1).max(10_000_000),
    window_seconds: z.number().int().min(1).max(86_400),
  })
  .openapi("KeyRateLimit", { description: "null or absent: the workspace's limit applies", example: { requests: 600, window_seconds: 60 } });

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The first characters of the key, to tell keys apart", example: "xr2_live_Ab3" }),
    scopes: z.array(apiKeyScopeSchema),
    environment: environmentSchema.nullable(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    last_used_at: z.string().nullable().openapi({ description: "Approximate: updated in batches from the edge's exposures" }),
    rate_limit: rateLimitSchema.nullable(),
    created_by_id: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("ApiKey");

export const createdApiKeySchema = z
  .object({
    id: z.string(),
    key: z.string().openapi({ description: "The key itself. Shown only in this answer: store it now", example: "xr2_live_…" }),
    prefix: z.string(),
    name: z.string(),
    scopes: z.array(apiKeyScopeSchema),
    environment: environmentSchema.nullable(),
    expires_at: z.string().nullable(),
    rate_limit: rateLimitSchema.nullable(),
    created_at: z.string(),
  })
  .openapi("CreatedApiKey");
