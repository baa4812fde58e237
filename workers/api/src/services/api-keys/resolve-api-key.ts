/**
 * The edge's key lookup on a KV miss: a live key by its SHA-256, projected back into KV with an
 * expiry. After writing it checks Postgres again, so a key revoked meanwhile is not left behind.
 */
import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "@xr2/db/schema";
import { kvKeys, type ApiKeyRecord } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { BACKFILL_TTL_SECONDS } from "../prompts/project-published-prompt.ts";

export async function resolveApiKey({ ctx, input }: { ctx: ServiceContext; input: { keyHash: string } }): Promise<ApiKeyRecord | null> {
  const record = await readLiveApiKey(ctx, input.keyHash);
  if (!record) return null;
  const key = kvKeys.apiKey(input.keyHash);
  await ctx.kv.put(key, JSON.stringify(record), { expirationTtl: BACKFILL_TTL_SECONDS });
  if (!(await readLiveApiKey(ctx, input.keyHash))) {
    await ctx.kv.delete(key);
    return null;
  }
  return record;
}

async function readLiveApiKey(ctx: ServiceContext, keyHash: string): Promise<ApiKeyRecord | null> {
  const [key] = await ctx
    .http()
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!key) return null;
  return { key_id: key.id, workspace_id: key.workspaceId, scopes: key.scopes, environment: key.environment, expires_at: key.expiresAt?.toISOString() ?? null };
}
