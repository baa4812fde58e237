/**
 * Which key a call uses: the caller's own key for the provider first, then the workspace's.
 * Decrypted only here, kept in memory for the call, never logged.
 */
import { and, eq, isNull, or, sql } from "drizzle-orm";
import { llmProviderKeys, type LlmProvider } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decryptProviderKey } from "./key-encryption.ts";
import { bindingOf } from "./provider-key-owner.ts";
import { PROVIDER_NAMES } from "./providers/provider-names.ts";

export interface ResolvedKey {
  id: string;
  scope: "workspace" | "user";
  apiKey: string;
}

export async function findProviderKey(ctx: ServiceContext, input: { workspaceId: string; userId: string; provider: LlmProvider }): Promise<ResolvedKey | undefined> {
  const rows = await ctx
    .http()
    .select()
    .from(llmProviderKeys)
    .where(
      and(
        eq(llmProviderKeys.provider, input.provider),
        or(and(eq(llmProviderKeys.userId, input.userId), isNull(llmProviderKeys.workspaceId)), eq(llmProviderKeys.workspaceId, input.workspaceId)),
      ),
    );
  const row = rows.find((candidate) => candidate.userId === input.userId) ?? rows.find((candidate) => candidate.workspaceId === input.workspaceId);
  if (!row) return undefined;
  return { id: row.id, scope: row.workspaceId ? "workspace" : "user", apiKey: await decryptProviderKey(ctx.env, row, bindingOf(row)) };
}

export async function resolveProviderKey(ctx: ServiceContext, input: { workspaceId: string; userId: string; provider: LlmProvider }): Promise<ResolvedKey> {
  const key = await findProviderKey(ctx, input);
  if (!key) {
    const name = PROVIDER_NAMES[input.provider];
    throw new ApiError(
      "LLM_KEY_MISSING",
      `No ${name} key is saved: add your own under PUT /api/llm/user-keys/${input.provider}, or ask an Admin to add the workspace's under PUT /api/llm/workspace-keys/${input.provider}`,
    );
  }
  return key;
}

/** Records that a key was used (best effort, after the call). */
export async function touchProviderKey(ctx: ServiceContext, keyId: string): Promise<void> {
  await ctx.http().update(llmProviderKeys).set({ lastUsedAt: sql`now()` }).where(eq(llmProviderKeys.id, keyId));
}
