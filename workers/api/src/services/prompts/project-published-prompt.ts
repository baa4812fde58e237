/**
 * The KV projection of a published version: built from Postgres rows, written after the
 * transaction that changed them has committed. KV can always be rebuilt from these functions.
 */
import { and, eq } from "drizzle-orm";
import { environments, prompts, promptVersions } from "@xr2/db/schema";
import { kvKeys, type Environment, type PublishedPrompt } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

/** Reads the version an environment of a prompt serves, addressed by slug, scoped to the workspace. */
export async function readPublishedPrompt({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; environment: Environment; slug: string };
}): Promise<PublishedPrompt | null> {
  const [row] = await ctx
    .http()
    .select({ prompt: prompts, version: promptVersions, publishedAt: environments.updatedAt })
    .from(prompts)
    .innerJoin(environments, and(eq(environments.promptId, prompts.id), eq(environments.environment, input.environment)))
    .innerJoin(promptVersions, eq(promptVersions.id, environments.versionId))
    .where(and(eq(prompts.workspaceId, input.workspaceId), eq(prompts.slug, input.slug), eq(prompts.status, "active")))
    .limit(1);
  if (!row) return null;
  return {
    workspace_id: row.prompt.workspaceId,
    prompt_id: row.prompt.id,
    slug: row.prompt.slug,
    environment: input.environment,
    version_id: row.version.id,
    version: row.version.versionNumber,
    kind: row.version.kind,
    content: row.version.content,
    messages: row.version.messages,
    variables: row.version.variables,
    model_config: row.version.modelConfig,
    published_at: row.publishedAt.toISOString(),
  };
}

/** Entries written on the edge's behalf expire, so a back-fill that lost a race heals itself. */
export const BACKFILL_TTL_SECONDS = 300;

/**
 * Projects one environment of a prompt into KV: writes the entry, or deletes it when nothing is
 * served. KV has no compare-and-set, so after writing it reads Postgres again and rewrites until
 * both agree: when two writers race, the last one to check leaves the committed state behind.
 */
export async function projectEnvironment({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; environment: Environment; slug: string; expirationTtl?: number };
}): Promise<PublishedPrompt | null> {
  const key = kvKeys.publishedPrompt(input.workspaceId, input.environment, input.slug);
  let published = await readPublishedPrompt({ ctx, input });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (published) await ctx.kv.put(key, JSON.stringify(published), input.expirationTtl ? { expirationTtl: input.expirationTtl } : {});
    else await ctx.kv.delete(key);
    const current = await readPublishedPrompt({ ctx, input });
    if (current?.version_id === published?.version_id && current?.published_at === published?.published_at) return published;
    published = current;
  }
  return published;
}
