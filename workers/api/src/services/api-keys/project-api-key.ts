/**
 * The KV projection of a Product API key: the record the edge authenticates with, keyed by the
 * key's SHA-256. Built from the Postgres row and written after the transaction that created the
 * key has committed; revocation deletes it. KV can always be rebuilt from these functions.
 */
import { and, eq, isNull } from "drizzle-orm";
import { apiKeys, workspaces, type ApiKey } from "@xr2/db/schema";
import { kvKeys, type ApiKeyRecord } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

/** What the edge needs of a key, and nothing more (never its hash, name or creator). */
export function apiKeyRecord(key: Pick<ApiKey, "id" | "workspaceId" | "scopes" | "environment" | "expiresAt">): ApiKeyRecord {
  return { key_id: key.id, workspace_id: key.workspaceId, scopes: key.scopes, environment: key.environment, expires_at: key.expiresAt?.toISOString() ?? null };
}

/**
 * The record of a key that is not revoked, of a workspace that is not deleted (expired keys are
 * returned: the edge checks expiry on every request).
 */
async function readLiveApiKey(ctx: ServiceContext, keyHash: string): Promise<ApiKeyRecord | null> {
  const [row] = await ctx
    .http()
    .select({ key: apiKeys })
    .from(apiKeys)
    .innerJoin(workspaces, and(eq(workspaces.id, apiKeys.workspaceId), isNull(workspaces.deletedAt)))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row ? apiKeyRecord(row.key) : null;
}

/**
 * Writes the record of a live key into KV (with an expiry when `expirationTtl` is given). KV has
 * no compare-and-set, so after writing it checks Postgres again: a key revoked meanwhile (whose
 * revocation may already have deleted the entry) is deleted again rather than left behind.
 */
export async function projectApiKey({ ctx, input }: { ctx: ServiceContext; input: { keyHash: string; expirationTtl?: number } }): Promise<ApiKeyRecord | null> {
  const record = await readLiveApiKey(ctx, input.keyHash);
  if (!record) return null;
  const key = kvKeys.apiKey(input.keyHash);
  await ctx.kv.put(key, JSON.stringify(record), input.expirationTtl ? { expirationTtl: input.expirationTtl } : {});
  if (!(await readLiveApiKey(ctx, input.keyHash))) {
    await ctx.kv.delete(key);
    return null;
  }
  return record;
}
