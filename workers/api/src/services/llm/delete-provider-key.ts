import { llmProviderKeys, type LlmProvider } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { ownerCondition, type KeyOwner } from "./provider-key-owner.ts";

/** Deletes the owner's key for `provider` (404 when there is none), with an audit row. Its usage history stays. */
export async function deleteProviderKey({ ctx, input }: { ctx: ServiceContext; input: { owner: KeyOwner; actorUserId: string; provider: LlmProvider; auditWorkspaceId: string | null } }) {
  await ctx.db().transaction(async (tx) => {
    const [deleted] = await tx.delete(llmProviderKeys).where(ownerCondition(input.owner, input.provider)).returning();
    if (!deleted) throw new ApiError("NOT_FOUND", `No ${input.owner.kind} key for ${input.provider} is saved`);
    await recordAudit(tx, ctx, {
      workspaceId: input.auditWorkspaceId,
      actorUserId: input.actorUserId,
      action: "llm_key.delete",
      targetType: "llm_provider_key",
      targetId: deleted.id,
      before: { provider: deleted.provider, scope: input.owner.kind, key_suffix: deleted.keySuffix },
    });
  });
}
