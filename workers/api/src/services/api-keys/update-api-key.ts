/**
 * Changing a key (Admin): its name and its own rate limit. Postgres first, then the key's KV
 * record is written again, so the edge applies the new limit once its isolate cache expires
 * (well under a second), as it stops accepting a revoked key. Revoked keys cannot change.
 */
import { and, eq } from "drizzle-orm";
import { apiKeys } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { rateLimitView } from "./create-api-key.ts";
import { apiKeyView } from "./list-api-keys.ts";
import { projectApiKey } from "./project-api-key.ts";

export interface UpdateApiKeyInput {
  workspaceId: string;
  actorUserId: string;
  keyId: string;
  name?: string | undefined;
  /** null: back to the workspace's limit. */
  rateLimit?: { requests: number; window_seconds: number } | null | undefined;
}

export async function updateApiKey({ ctx, input }: { ctx: ServiceContext; input: UpdateApiKeyInput }) {
  const updated = await ctx.db().transaction(async (tx) => {
    const [key] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!key) throw new ApiError("NOT_FOUND", "API key not found");
    if (key.revokedAt !== null) throw new ApiError("CONFLICT", "This API key is revoked and can no longer change");
    const changes: Partial<typeof apiKeys.$inferInsert> = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.rateLimit !== undefined) {
      changes.rateLimitRequests = input.rateLimit?.requests ?? null;
      changes.rateLimitWindowSeconds = input.rateLimit?.window_seconds ?? null;
    }
    const [row] = await tx.update(apiKeys).set(changes).where(eq(apiKeys.id, key.id)).returning();
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "api_key.update",
      targetType: "api_key",
      targetId: key.id,
      before: { name: key.name, prefix: key.prefix, rate_limit: rateLimitView(key) },
      after: { name: row!.name, prefix: row!.prefix, rate_limit: rateLimitView(row!) },
    });
    return row!;
  });
  await projectApiKey({ ctx, input: { keyHash: updated.keyHash } });
  return apiKeyView(updated);
}
