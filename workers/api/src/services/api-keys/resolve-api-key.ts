/**
 * The edge's key lookup on a KV miss: a live key by its SHA-256, projected back into KV with an
 * expiry, so a back-fill that lost a race with a revocation heals itself.
 */
import type { ApiKeyRecord } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { BACKFILL_TTL_SECONDS } from "../prompts/project-published-prompt.ts";
import { projectApiKey } from "./project-api-key.ts";

export async function resolveApiKey({ ctx, input }: { ctx: ServiceContext; input: { keyHash: string } }): Promise<ApiKeyRecord | null> {
  return projectApiKey({ ctx, input: { keyHash: input.keyHash, expirationTtl: BACKFILL_TTL_SECONDS } });
}
