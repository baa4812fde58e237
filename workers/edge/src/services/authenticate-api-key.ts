/**
 * Product API keys: `Authorization: Bearer <key>`, looked up by SHA-256 in the isolate's cache,
 * then KV, then the API worker. Unknown keys are remembered as briefly as known ones, so a client
 * retrying a bad key does not reach Postgres on every request.
 */
import { ApiError, apiKeyRecordSchema, kvKeys, sha256Hex, type ApiKeyRecord } from "@xr2/shared";
import type { EdgeEnv } from "../env.ts";
import { dependency } from "./dependency.ts";
import { PROJECTION_CACHE, TtlCache } from "./ttl-cache.ts";

/** An API key as the Authorization header carries it; the request log reads keys the same way. */
export const KEY_PATTERN = /^Bearer\s+([A-Za-z0-9_-]{16,200})$/;

const recentKeys = new TtlCache<ApiKeyRecord | null>(PROJECTION_CACHE);

export async function authenticateApiKey(env: EdgeEnv, authorization: string | undefined, scope: ApiKeyRecord["scopes"][number]): Promise<ApiKeyRecord> {
  const match = authorization ? KEY_PATTERN.exec(authorization.trim()) : null;
  if (!match?.[1]) throw new ApiError("UNAUTHENTICATED", "Send your API key as 'Authorization: Bearer <key>'");
  const keyHash = sha256Hex(match[1]);

  let record = recentKeys.get(keyHash);
  if (record === undefined) {
    record = await lookUpApiKey(env, keyHash);
    recentKeys.set(keyHash, record);
  }
  if (!record) throw new ApiError("UNAUTHENTICATED", "Unknown or revoked API key");
  // Checked on every request, cached or not: a cached record must not outlive its key's expiry.
  if (record.expires_at !== null && Date.parse(record.expires_at) <= Date.now()) {
    throw new ApiError("UNAUTHENTICATED", "This API key has expired");
  }
  if (!record.scopes.includes(scope)) throw new ApiError("FORBIDDEN", `This API key lacks the '${scope}' scope`);
  return record;
}

async function lookUpApiKey(env: EdgeEnv, keyHash: string): Promise<ApiKeyRecord | null> {
  // An entry this code cannot read (written by another version of it) counts as a miss.
  const projected = apiKeyRecordSchema.safeParse(await dependency("KV", () => env.PROMPTS_KV.get(kvKeys.apiKey(keyHash), "json")));
  if (projected.success) return projected.data;
  return dependency("the API worker", () => env.API.resolveApiKey(keyHash));
}
