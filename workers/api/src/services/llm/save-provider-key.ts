/**
 * Saves (creates or replaces) a provider key of a workspace or of the caller, encrypted
 * (key-encryption.ts), with an audit row that names the provider and the suffix, never the key.
 */
import { llmProviderKeys, type LlmProvider } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { encryptProviderKey, keySuffix } from "./key-encryption.ts";
import { bindingOf, ownerCondition, toProviderKeyView, type KeyOwner } from "./provider-key-owner.ts";

export async function saveProviderKey({ ctx, input }: { ctx: ServiceContext; input: { owner: KeyOwner; actorUserId: string; provider: LlmProvider; apiKey: string; auditWorkspaceId: string | null } }) {
  const { owner, provider } = input;
  return ctx.db().transaction(async (tx) => {
    const [before] = await tx.select().from(llmProviderKeys).where(ownerCondition(owner, provider)).for("update").limit(1);
    const id = before?.id ?? newId("providerKey");
    const ownerColumns = owner.kind === "workspace" ? { workspaceId: owner.workspaceId, userId: null } : { workspaceId: null, userId: owner.userId };
    const sealed = await encryptProviderKey(ctx.env, input.apiKey, bindingOf({ id, provider, ...ownerColumns }));
    const values = { ...sealed, keySuffix: keySuffix(input.apiKey), createdById: input.actorUserId, lastUsedAt: null, updatedAt: new Date() };
    const [row] = before
      ? await tx.update(llmProviderKeys).set(values).where(ownerCondition(owner, provider)).returning()
      : await tx.insert(llmProviderKeys).values({ id, provider, ...ownerColumns, ...values }).returning();
    await recordAudit(tx, ctx, {
      workspaceId: input.auditWorkspaceId,
      actorUserId: input.actorUserId,
      action: before ? "llm_key.replace" : "llm_key.create",
      targetType: "llm_provider_key",
      targetId: id,
      before: before ? { provider, scope: owner.kind, key_suffix: before.keySuffix } : null,
      after: { provider, scope: owner.kind, key_suffix: row!.keySuffix },
    });
    return toProviderKeyView(row!);
  });
}
