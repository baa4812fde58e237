/**
 * Removes everything the edge reads about a workspace from KV: the records of all its API keys
 * (revoked ones too, in case a revocation's delete failed), its published prompts and its event
 * definitions. Safe to run any number of times; the deletion runs it at once, and the purge job
 * again before it removes the keys' rows (a back-fill that raced the deletion is undone then).
 */
import { and, asc, eq, gt } from "drizzle-orm";
import { apiKeys } from "@xr2/db/schema";
import { kvKeys } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

const KEYS_PER_PAGE = 500;

export async function removeWorkspaceProjection({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }): Promise<{ api_keys_deleted: number; prompt_entries_deleted: number }> {
  let keysDeleted = 0;
  let promptsDeleted = 0;
  let after = "";
  for (;;) {
    const page = await ctx
      .http()
      .select({ id: apiKeys.id, keyHash: apiKeys.keyHash })
      .from(apiKeys)
      .where(and(eq(apiKeys.workspaceId, input.workspaceId), gt(apiKeys.id, after)))
      .orderBy(asc(apiKeys.id))
      .limit(KEYS_PER_PAGE);
    await Promise.all(page.map((key) => ctx.kv.delete(kvKeys.apiKey(key.keyHash))));
    keysDeleted += page.length;
    if (page.length < KEYS_PER_PAGE) break;
    after = page.at(-1)!.id;
  }

  // Published prompts live under the workspace's prefix (kvKeys.publishedPrompt).
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown> = await ctx.kv.list({ prefix: `prompt:${input.workspaceId}:`, ...(cursor ? { cursor } : {}) });
    await Promise.all(page.keys.map((key) => ctx.kv.delete(key.name)));
    promptsDeleted += page.keys.length;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);

  await ctx.kv.delete(kvKeys.eventDefinitions(input.workspaceId));
  return { api_keys_deleted: keysDeleted, prompt_entries_deleted: promptsDeleted };
}
