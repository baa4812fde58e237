import { and, count, eq, ne } from "drizzle-orm";
import { prompts, promptTags, tags } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { toTagView } from "./tag-view.ts";

/** Renames or recolours a tag of the workspace; a name another tag has is a conflict. */
export async function updateTag({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; actorUserId: string; tagId: string; name?: string | undefined; color?: string | undefined };
}) {
  return ctx.db().transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(tags)
      .where(and(eq(tags.id, input.tagId), eq(tags.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!before) throw new ApiError("NOT_FOUND", "Tag not found");
    if (input.name !== undefined) {
      const [taken] = await tx
        .select({ id: tags.id })
        .from(tags)
        .where(and(eq(tags.workspaceId, input.workspaceId), eq(tags.name, input.name), ne(tags.id, input.tagId)))
        .limit(1);
      if (taken) throw new ApiError("CONFLICT", `A tag named "${input.name}" already exists`);
    }
    const [after] = await tx
      .update(tags)
      .set({ ...(input.name === undefined ? {} : { name: input.name }), ...(input.color === undefined ? {} : { color: input.color }) })
      .where(and(eq(tags.id, input.tagId), eq(tags.workspaceId, input.workspaceId)))
      .returning();
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "tag.update",
      targetType: "tag",
      targetId: input.tagId,
      before: { name: before.name, color: before.color },
      after: { name: after!.name, color: after!.color },
    });
    const [usage] = await tx
      .select({ total: count() })
      .from(promptTags)
      .innerJoin(prompts, and(eq(prompts.id, promptTags.promptId), eq(prompts.workspaceId, promptTags.workspaceId)))
      .where(and(eq(promptTags.workspaceId, input.workspaceId), eq(promptTags.tagId, input.tagId), eq(prompts.status, "active")));
    return { ...toTagView(after!), created_at: after!.createdAt.toISOString(), prompt_count: usage?.total ?? 0 };
  });
}
