import { and, asc, count, eq } from "drizzle-orm";
import { prompts, promptTags, tags } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { MAX_TAGS_PER_WORKSPACE } from "./create-tag.ts";
import { toTagView } from "./tag-view.ts";

/** Every tag of the workspace (at most MAX_TAGS_PER_WORKSPACE), by name, with how many active prompts carry it. */
export async function listTags({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const rows = await ctx
    .http()
    .select({ tag: tags, promptCount: count(prompts.id) })
    .from(tags)
    .leftJoin(promptTags, and(eq(promptTags.tagId, tags.id), eq(promptTags.workspaceId, tags.workspaceId)))
    .leftJoin(prompts, and(eq(prompts.id, promptTags.promptId), eq(prompts.workspaceId, promptTags.workspaceId), eq(prompts.status, "active")))
    .where(eq(tags.workspaceId, input.workspaceId))
    .groupBy(tags.id)
    .orderBy(asc(tags.name), asc(tags.id))
    // The cap is checked before inserting, so racing creations can overshoot it slightly; the
    // margin keeps such tags listed.
    .limit(MAX_TAGS_PER_WORKSPACE * 2);
  return rows.map((row) => ({ ...toTagView(row.tag), created_at: row.tag.createdAt.toISOString(), prompt_count: row.promptCount }));
}
