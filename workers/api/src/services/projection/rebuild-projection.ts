/**
 * Rebuilds the KV projection of a workspace (or of every workspace) from Postgres: every served
 * environment of an active prompt, every live API key and the workspace's event definitions
 * are written; entries for anything that should no longer be served (archived prompts, revoked
 * keys) are deleted, and a deleted workspace's entries all go, also when it is deleted while
 * this runs. KV is a projection, so this is always safe to run — after an incident, a restore,
 * or a KV write that failed.
 */
import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { apiKeys, environments, prompts, workspaces } from "@xr2/db/schema";
import { kvKeys } from "@xr2/shared";
import { apiKeyRecord } from "../api-keys/project-api-key.ts";
import { loadLimitRows } from "../workspaces/list-limits.ts";
import type { ServiceContext } from "../../context.ts";
import { projectEnvironment } from "../prompts/project-published-prompt.ts";
import { projectEventDefinitions } from "../event-definitions/project-event-definitions.ts";
import { removeWorkspaceProjection } from "../workspaces/remove-workspace-projection.ts";

export interface RebuildReport {
  workspaces: number;
  prompts_written: number;
  prompt_entries_deleted: number;
  api_keys_written: number;
  api_keys_deleted: number;
}

export async function rebuildProjection({ ctx, input }: { ctx: ServiceContext; input: { workspaceId?: string | undefined } }): Promise<RebuildReport> {
  const db = ctx.http();
  const workspaceIds = input.workspaceId
    ? [input.workspaceId]
    : (await db.select({ id: workspaces.id }).from(workspaces)).map((row) => row.id);
  const report: RebuildReport = { workspaces: workspaceIds.length, prompts_written: 0, prompt_entries_deleted: 0, api_keys_written: 0, api_keys_deleted: 0 };
  const deleted = new Set(
    workspaceIds.length === 0
      ? []
      : (await db.select({ id: workspaces.id }).from(workspaces).where(and(inArray(workspaces.id, workspaceIds), isNotNull(workspaces.deletedAt)))).map((row) => row.id),
  );

  for (const workspaceId of workspaceIds) {
    if (deleted.has(workspaceId)) {
      const removed = await removeWorkspaceProjection({ ctx, input: { workspaceId } });
      report.prompt_entries_deleted += removed.prompt_entries_deleted;
      report.api_keys_deleted += removed.api_keys_deleted;
      continue;
    }
    const served = await db
      .select({ slug: prompts.slug, environment: environments.environment })
      .from(environments)
      .innerJoin(prompts, eq(prompts.id, environments.promptId))
      .where(and(eq(environments.workspaceId, workspaceId), eq(prompts.status, "active")));
    const keep = new Set<string>();
    for (const row of served) {
      const published = await projectEnvironment({ ctx, input: { workspaceId, environment: row.environment, slug: row.slug } });
      if (published) {
        keep.add(kvKeys.publishedPrompt(workspaceId, row.environment, row.slug));
        report.prompts_written++;
      }
    }
    // Anything else under this workspace's prefix is stale (archived or deleted prompts).
    let cursor: string | undefined;
    do {
      const page: KVNamespaceListResult<unknown> = await ctx.kv.list({ prefix: `prompt:${workspaceId}:`, ...(cursor ? { cursor } : {}) });
      for (const key of page.keys) {
        if (keep.has(key.name)) continue;
        await ctx.kv.delete(key.name);
        report.prompt_entries_deleted++;
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);

    const live = await db.select().from(apiKeys).where(and(eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)));
    const limitRows = await loadLimitRows(ctx, [workspaceId]);
    for (const key of live) {
      await ctx.kv.put(kvKeys.apiKey(key.keyHash), JSON.stringify(apiKeyRecord(ctx, key, limitRows)));
      report.api_keys_written++;
    }
    const revoked = await db.select({ keyHash: apiKeys.keyHash }).from(apiKeys).where(and(eq(apiKeys.workspaceId, workspaceId), isNotNull(apiKeys.revokedAt)));
    for (const key of revoked) {
      await ctx.kv.delete(kvKeys.apiKey(key.keyHash));
      report.api_keys_deleted++;
    }

    await projectEventDefinitions({ ctx, input: { workspaceId } });

    // A workspace deleted (or already purged) while this wrote its entries must not be served
    // again: take back what was written here, by name (a purge may have removed the rows that
    // removeWorkspaceProjection would find them by), then whatever else is left of it.
    const [still] = await db.select({ deletedAt: workspaces.deletedAt }).from(workspaces).where(eq(workspaces.id, workspaceId));
    if (!still || still.deletedAt !== null) {
      for (const key of live) await ctx.kv.delete(kvKeys.apiKey(key.keyHash));
      for (const name of keep) await ctx.kv.delete(name);
      await ctx.kv.delete(kvKeys.eventDefinitions(workspaceId));
      if (still) await removeWorkspaceProjection({ ctx, input: { workspaceId } });
    }
  }
  return report;
}
