/**
 * The KV projection of a Product API key: the record the edge authenticates with, keyed by the
 * key's SHA-256. Built from the Postgres row and written after the transaction that created the
 * key has committed; revocation deletes it. KV can always be rebuilt from these functions.
 */
import { and, eq, inArray, isNotNull, isNull, or } from "drizzle-orm";
import { apiKeys, workspaces, type ApiKey } from "@xr2/db/schema";
import { kvKeys, type ApiKeyRecord } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { edgeLimits, loadLimitRows, resolveLimits, type LimitRows } from "../workspaces/list-limits.ts";

type ProjectedKey = Pick<ApiKey, "id" | "workspaceId" | "scopes" | "environment" | "expiresAt" | "rateLimitRequests" | "rateLimitWindowSeconds">;

/**
 * What the edge needs of a key, and nothing more (never its hash, name or creator): with `rows`,
 * the limits in force for it where they differ from the edge's built-in ones.
 */
export function apiKeyRecord(ctx: ServiceContext, key: ProjectedKey, rows: LimitRows): ApiKeyRecord {
  const own = key.rateLimitRequests !== null && key.rateLimitWindowSeconds !== null ? { requests: key.rateLimitRequests, windowSeconds: key.rateLimitWindowSeconds } : null;
  const limits = edgeLimits(resolveLimits({ rows, workspaceId: key.workspaceId, key: own, overrides: ctx.env.RATE_LIMIT_OVERRIDES }));
  return { key_id: key.id, workspace_id: key.workspaceId, scopes: key.scopes, environment: key.environment, expires_at: key.expiresAt?.toISOString() ?? null, ...(limits ? { limits } : {}) };
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
  return row ? apiKeyRecord(ctx, row.key, await loadLimitRows(ctx, [row.key.workspaceId])) : null;
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

/**
 * Writes the records of every live key of a workspace (or of every workspace) again, with the
 * limits in force now: what a change of limits does so the edge applies it within its cache
 * TTL. Keys revoked (or whose workspace was deleted) while this ran are deleted again
 * afterwards, as projectApiKey does.
 */
export async function reprojectApiKeys({ ctx, input }: { ctx: ServiceContext; input: { workspaceId?: string } }): Promise<number> {
  const db = ctx.http();
  const live = (
    await db
      .select({ key: apiKeys })
      .from(apiKeys)
      // A deleted workspace's keys stay out of KV (its purge job may not have run yet).
      .innerJoin(workspaces, and(eq(workspaces.id, apiKeys.workspaceId), isNull(workspaces.deletedAt)))
      .where(input.workspaceId ? and(eq(apiKeys.workspaceId, input.workspaceId), isNull(apiKeys.revokedAt)) : isNull(apiKeys.revokedAt))
  ).map((row) => row.key);
  if (live.length === 0) return 0;
  const rows = await loadLimitRows(ctx, [...new Set(live.map((key) => key.workspaceId))]);
  for (const key of live) await ctx.kv.put(kvKeys.apiKey(key.keyHash), JSON.stringify(apiKeyRecord(ctx, key, rows)));
  const endedMeanwhile = await db
    .select({ keyHash: apiKeys.keyHash })
    .from(apiKeys)
    .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
    .where(and(inArray(apiKeys.id, live.map((key) => key.id)), or(isNotNull(apiKeys.revokedAt), isNotNull(workspaces.deletedAt))));
  for (const key of endedMeanwhile) await ctx.kv.delete(kvKeys.apiKey(key.keyHash));
  return live.length;
}
