/** The public shapes of /api/access-tokens. */
import { z } from "@hono/zod-openapi";
import { ACCESS_TOKEN_SCOPES } from "../../permissions.ts";

export const accessTokenScopeSchema = z.enum(ACCESS_TOKEN_SCOPES);
export const tokenIdParam = z.object({ tokenId: z.string().max(64).openapi({ param: { name: "tokenId", in: "path" }, example: "at_01j…" }) });

const creatorSchema = z.object({ id: z.string(), name: z.string(), email: z.string() });

export const accessTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(accessTokenScopeSchema),
    token_prefix: z.string().openapi({ description: "The first characters of the token, to tell tokens apart", example: "xr2_at_Ab3xY" }),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable().openapi({ description: "Recorded at most once a minute" }),
    revoked_at: z.string().nullable(),
    created_at: z.string(),
    created_by: creatorSchema,
  })
  .openapi("AccessToken");

export const createdAccessTokenSchema = accessTokenSchema
  .extend({ token: z.string().openapi({ description: "The token itself, sent as `Authorization: Bearer <token>`. Shown only in this answer: store it now", example: "xr2_at_…" }) })
  .openapi("CreatedAccessToken");

export const currentAccessTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    workspace_id: z.string(),
    workspace_name: z.string(),
    scopes: z.array(accessTokenScopeSchema),
    token_prefix: z.string(),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    created_at: z.string(),
    created_by: creatorSchema,
  })
  .openapi("CurrentAccessToken");
