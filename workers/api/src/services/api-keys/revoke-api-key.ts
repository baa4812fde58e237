/**
 * Revoking a key: `revoked_at` in Postgres first, then the KV entry goes, so the edge stops
 * accepting it (beyond its sub-second in-isolate cache). Revoking a revoked key changes nothing
 * but deletes the KV entry again, so a retry after a failed KV call still takes effect.
 */
import { and, eq } from "drizzle-orm";
import { apiKeys } from "@xr2/db/schema";
import { ApiError, kvKeys } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { emitEvent } from "../webhooks/emit-event.ts";

export async function revokeApiKey({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; keyId: string } }): Promise<void> {
  const keyHash = await ctx.db().transaction(async (tx) => {
    const [key] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!key) throw new ApiError("NOT_FOUND", "API key not found");
    if (key.revokedAt === null) {
      const revokedAt = new Date();
      await tx.update(apiKeys).set({ revokedAt }).where(eq(apiKeys.id, key.id));
      await recordAudit(tx, ctx, {
        workspaceId: input.workspaceId,
        actorUserId: input.actorUserId,
        action: "api_key.revoke",
        targetType: "api_key",
        targetId: key.id,
        before: { name: key.name, prefix: key.prefix, revoked_at: null },
        after: { name: key.name, prefix: key.prefix, revoked_at: revokedAt.toISOString() },
      });
      await emitEvent(tx, ctx, { type: "api_key.revoked", workspaceId: input.workspaceId, actorUserId: input.actorUserId, data: { api_key: { id: key.id, name: key.name, prefix: key.prefix } } });
    }
    return key.keyHash;
  });
  await ctx.kv.delete(kvKeys.apiKey(keyHash));
}
