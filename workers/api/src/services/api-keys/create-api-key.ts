/**
 * A new Product API key (E2). The key itself exists only in the answer to this call: Postgres
 * keeps its SHA-256 and a short prefix, KV the record the edge authenticates with, keyed by the
 * same hash. The audit row names the key by id and prefix, never by key or hash.
 */
import { and, count, eq, isNull } from "drizzle-orm";
import { apiKeys, type ApiKey, type ApiKeyScope } from "@xr2/db/schema";
import { ApiError, newId, randomToken, sha256Hex, type Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { emitEvent } from "../webhooks/emit-event.ts";
import { projectApiKey } from "./project-api-key.ts";
import { lockLiveWorkspace } from "../workspaces/lock-workspace.ts";

export const API_KEY_PREFIX = "xr2_live_";
/** As many characters as lists show: enough to tell keys apart, far too few to guess the rest. */
export const API_KEY_VISIBLE_CHARS = 12;
/** Revoked keys do not count; a workspace needing more live keys than this is misusing them. */
export const MAX_LIVE_API_KEYS = 100;

/** A key's own rate limit, or null when the workspace's applies. */
export function rateLimitView(key: Pick<ApiKey, "rateLimitRequests" | "rateLimitWindowSeconds">) {
  return key.rateLimitRequests !== null && key.rateLimitWindowSeconds !== null ? { requests: key.rateLimitRequests, window_seconds: key.rateLimitWindowSeconds } : null;
}

export interface CreateApiKeyInput {
  workspaceId: string;
  actorUserId: string;
  name: string;
  scopes: ApiKeyScope[];
  environment: Environment | null;
  expiresAt: Date | null;
  /** The key's own rate limit for each kind of Product API call; null: the workspace's. */
  rateLimit: { requests: number; window_seconds: number } | null;
}

export async function createApiKey({ ctx, input }: { ctx: ServiceContext; input: CreateApiKeyInput }) {
  const key = `${API_KEY_PREFIX}${randomToken()}`;
  const keyHash = sha256Hex(key);
  const row = await ctx.db().transaction(async (tx) => {
    // Serialises key creation per workspace so the live-key limit holds under concurrent calls.
    await lockLiveWorkspace(tx, input.workspaceId);
    const [live] = await tx
      .select({ n: count() })
      .from(apiKeys)
      .where(and(eq(apiKeys.workspaceId, input.workspaceId), isNull(apiKeys.revokedAt)));
    if ((live?.n ?? 0) >= MAX_LIVE_API_KEYS) throw new ApiError("CONFLICT", `A workspace can have at most ${MAX_LIVE_API_KEYS} live API keys; revoke unused ones first`);
    const [inserted] = await tx
      .insert(apiKeys)
      .values({
        id: newId("apiKey"),
        workspaceId: input.workspaceId,
        name: input.name,
        keyHash,
        prefix: key.slice(0, API_KEY_VISIBLE_CHARS),
        scopes: input.scopes,
        environment: input.environment,
        expiresAt: input.expiresAt,
        rateLimitRequests: input.rateLimit?.requests ?? null,
        rateLimitWindowSeconds: input.rateLimit?.window_seconds ?? null,
        createdById: input.actorUserId,
      })
      .returning();
    const created = inserted!;
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "api_key.create",
      targetType: "api_key",
      targetId: created.id,
      after: { name: created.name, prefix: created.prefix, scopes: created.scopes, environment: created.environment, expires_at: created.expiresAt?.toISOString() ?? null, rate_limit: rateLimitView(created) },
    });
    await emitEvent(tx, ctx, {
      type: "api_key.created",
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      data: { api_key: { id: created.id, name: created.name, prefix: created.prefix, scopes: created.scopes, environment: created.environment, expires_at: created.expiresAt?.toISOString() ?? null } },
    });
    return created;
  });
  // After the commit, so the edge never accepts a key Postgres does not have. No expiry: the
  // entry lives until revocation deletes it (the edge checks `expires_at` itself).
  await projectApiKey({ ctx, input: { keyHash } });
  return {
    id: row.id,
    key,
    prefix: row.prefix,
    name: row.name,
    scopes: row.scopes,
    environment: row.environment,
    expires_at: row.expiresAt?.toISOString() ?? null,
    rate_limit: rateLimitView(row),
    created_at: row.createdAt.toISOString(),
  };
}
