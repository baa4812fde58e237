import { and, count, eq } from "drizzle-orm";
import { promptTags, tags } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";

/** Deletes a tag; its links to prompts go with it (ON DELETE CASCADE), the prompts stay. */
export async function deleteTag({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; tagId: string } }) {
  await ctx.db().transaction(async (tx) => {
    const [links] = await tx
      .select({ total: count() })
      .from(promptTags)
      .where(and(eq(promptTags.workspaceId, input.workspaceId), eq(promptTags.tagId, input.tagId)));
    const [deleted] = await tx
      .delete(tags)
      .where(and(eq(tags.id, input.tagId), eq(tags.workspaceId, input.workspaceId)))
      .returning();
    if (!deleted) throw new ApiError("NOT_FOUND", "Tag not found");
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "tag.delete",
      targetType: "tag",
      targetId: input.tagId,
      before: { name: deleted.name, color: deleted.color, prompt_count: links?.total ?? 0 },
    });
  });
}
