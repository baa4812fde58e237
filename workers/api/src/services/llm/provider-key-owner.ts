/** Whose a provider key is: a workspace's (Admins manage it, members use it) or one user's own. */
import { and, eq, type SQL } from "drizzle-orm";
import { llmProviderKeys, type LlmProvider, type LlmProviderKey } from "@xr2/db/schema";
import type { KeyBinding } from "./key-encryption.ts";

export type KeyOwner = { kind: "workspace"; workspaceId: string } | { kind: "user"; userId: string };

export function ownerCondition(owner: KeyOwner, provider: LlmProvider): SQL {
  return owner.kind === "workspace"
    ? and(eq(llmProviderKeys.workspaceId, owner.workspaceId), eq(llmProviderKeys.provider, provider))!
    : and(eq(llmProviderKeys.userId, owner.userId), eq(llmProviderKeys.provider, provider))!;
}

export function bindingOf(row: Pick<LlmProviderKey, "id" | "workspaceId" | "userId" | "provider">): KeyBinding {
  return { id: row.id, owner: row.workspaceId ? `workspace:${row.workspaceId}` : `user:${row.userId}`, provider: row.provider };
}

/** The public view: never the key, only its suffix. */
export function toProviderKeyView(row: LlmProviderKey) {
  return {
    id: row.id,
    provider: row.provider,
    scope: row.workspaceId ? ("workspace" as const) : ("user" as const),
    key_suffix: row.keySuffix,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
