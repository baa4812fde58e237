/**
 * The edge reads published prompts from KV, and only active prompts are published there
 * (readPublishedPrompt filters on status). After a prompt is archived or unarchived, each of its
 * environments is projected again, once the status change has committed: archiving removes the
 * KV entries, unarchiving restores them. Callers run this even when the status did not change,
 * so retrying a request whose projection failed repairs KV.
 */
import { and, eq, inArray } from "drizzle-orm";
import { environments, prompts } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { projectEnvironment } from "./project-published-prompt.ts";

/** KV writes in flight at once; a bulk archive touches up to 100 prompts × 3 environments. */
const CONCURRENCY = 8;

export async function refreshPublishedEntries(ctx: ServiceContext, input: { workspaceId: string; promptIds: string[] }): Promise<void> {
  if (input.promptIds.length === 0) return;
  const targets = await ctx
    .http()
    .select({ slug: prompts.slug, environment: environments.environment })
    .from(environments)
    .innerJoin(prompts, and(eq(prompts.id, environments.promptId), eq(prompts.workspaceId, environments.workspaceId)))
    .where(and(eq(environments.workspaceId, input.workspaceId), inArray(environments.promptId, input.promptIds)));
  for (let start = 0; start < targets.length; start += CONCURRENCY) {
    await Promise.all(
      targets.slice(start, start + CONCURRENCY).map((target) => projectEnvironment({ ctx, input: { workspaceId: input.workspaceId, environment: target.environment, slug: target.slug } })),
    );
  }
}
