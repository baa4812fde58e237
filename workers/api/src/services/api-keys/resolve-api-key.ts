/** The edge's key lookup on a KV miss: a live key by its SHA-256, projected back into KV. */
import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "@xr2/db/schema";
import { kvKeys, type ApiKeyRecord } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export async function resolveApiKey({ ctx, input }: { ctx: ServiceContext; input: { keyHash: string } }): Promise<ApiKeyRecord | null> {
  const [key] = await ctx
    .http()
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, input.keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!key) return null;
  const record: ApiKeyRecord = {
    key_id: key.id,
    workspace_id: key.workspaceId,
    scopes: key.scopes,
    environment: key.environment,
    expires_at: key.expiresAt?.toISOString() ?? null,
  };
  await ctx.kv.put(kvKeys.apiKey(input.keyHash), JSON.stringify(record));
  return record;
}
