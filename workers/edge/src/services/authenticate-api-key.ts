/** Product API keys: `Authorization: Bearer <key>`, looked up by SHA-256 in KV, then the API worker. */
import { ApiError, apiKeyRecordSchema, kvKeys, sha256Hex, type ApiKeyRecord } from "@xr2/shared";
import type { EdgeEnv } from "../env.ts";
import { dependency } from "./dependency.ts";

const KEY_PATTERN = /^Bearer\s+([A-Za-z0-9_-]{16,200})$/;

export async function authenticateApiKey(env: EdgeEnv, authorization: string | undefined, scope: ApiKeyRecord["scopes"][number]): Promise<ApiKeyRecord> {
  const match = authorization ? KEY_PATTERN.exec(authorization.trim()) : null;
  if (!match?.[1]) throw new ApiError("UNAUTHENTICATED", "Send your API key as 'Authorization: Bearer <key>'");
  const keyHash = await sha256Hex(match[1]);

  // An entry this code cannot read (written by another version of it) counts as a miss.
  const cached = apiKeyRecordSchema.safeParse(await dependency("KV", () => env.PROMPTS_KV.get(kvKeys.apiKey(keyHash), "json")));
  const record = cached.success ? cached.data : await dependency("the API worker", () => env.API.resolveApiKey(keyHash));
  if (!record) throw new ApiError("UNAUTHENTICATED", "Unknown or revoked API key");
  if (record.expires_at !== null && Date.parse(record.expires_at) <= Date.now()) {
    throw new ApiError("UNAUTHENTICATED", "This API key has expired");
  }
  if (!record.scopes.includes(scope)) throw new ApiError("FORBIDDEN", `This API key lacks the '${scope}' scope`);
  return record;
}
