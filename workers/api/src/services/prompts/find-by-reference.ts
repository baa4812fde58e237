/**
 * Prompts and versions named as clients know them: a prompt by its id or its slug, a version by
 * its id or its number, always within one workspace (another workspace's prompt is never found).
 * Used by the REST routes' `promptReference` middleware and by the MCP tools, so both read a
 * reference the same way.
 */
import { and, eq, or } from "drizzle-orm";
import { prompts, promptVersions } from "@xr2/db/schema";
import type { HttpDatabase } from "../../context.ts";

/** The id of the workspace's prompt whose id or slug is `reference` (an id wins over a slug that spells it); undefined when none. */
export async function findPromptId(db: HttpDatabase, workspaceId: string, reference: string): Promise<string | undefined> {
  const matches = await db
    .select({ id: prompts.id })
    .from(prompts)
    .where(and(eq(prompts.workspaceId, workspaceId), or(eq(prompts.id, reference), eq(prompts.slug, reference))))
    .limit(2);
  return (matches.find((match) => match.id === reference) ?? matches[0])?.id;
}

/** The id of the prompt's version with this number, or this id; undefined when none. */
export async function findVersionId(db: HttpDatabase, workspaceId: string, promptId: string, version: { number: number } | { id: string }): Promise<string | undefined> {
  const [row] = await db
    .select({ id: promptVersions.id })
    .from(promptVersions)
    .where(and(eq(promptVersions.workspaceId, workspaceId), eq(promptVersions.promptId, promptId), "number" in version ? eq(promptVersions.versionNumber, version.number) : eq(promptVersions.id, version.id)))
    .limit(1);
  return row?.id;
}
