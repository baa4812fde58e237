/** The workspace's API keys for the keys page: prefixes and metadata, never a key or its hash. */
import { asc, desc, eq, sql } from "drizzle-orm";
import { apiKeys, type ApiKey } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { MAX_LIVE_API_KEYS, rateLimitView } from "./create-api-key.ts";

/** Every live key (at most MAX_LIVE_API_KEYS) fits, followed by the most recently revoked ones. */
export const MAX_LISTED_API_KEYS = MAX_LIVE_API_KEYS * 2;

export function apiKeyView(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    environment: key.environment,
    expires_at: key.expiresAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    rate_limit: rateLimitView(key),
    created_by_id: key.createdById,
    created_at: key.createdAt.toISOString(),
  };
}

export async function listApiKeys({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const rows = await ctx
    .http()
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.workspaceId, input.workspaceId))
    // Live keys first (newest first), then revoked ones by when they were revoked.
    .orderBy(sql`${apiKeys.revokedAt} is not null`, desc(apiKeys.revokedAt), desc(apiKeys.createdAt), asc(apiKeys.id))
    .limit(MAX_LISTED_API_KEYS);
  return rows.map(apiKeyView);
}
