/**
 * Changes a prompt's name, description, tags (the full new set), owner or status. Archiving is a
 * soft delete: the prompt, its versions and history stay, it leaves the default list and the
 * edge stops serving it; unarchiving brings both back. The slug never changes, because apps
 * fetch by it.
 */
import { and, eq, inArray } from "drizzle-orm";
import { prompts, promptTags, tags, workspaceMembers, type PromptStatus } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { resolveTagReferences } from "../tags/resolve-tag-references.ts";
import { getPrompt } from "./get-prompt.ts";
import { refreshPublishedEntries } from "./refresh-published-entries.ts";

export interface UpdatePromptInput {
  workspaceId: string;
  promptId: string;
  actorUserId: string;
  name?: string | undefined;
  description?: string | null | undefined;
  tags?: string[] | undefined;
  ownerId?: string | null | undefined;
  status?: PromptStatus | undefined;
}

export async function updatePrompt({ ctx, input }: { ctx: ServiceContext; input: UpdatePromptInput }) {
  await ctx.db().transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(prompts)
      .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!before) throw new ApiError("NOT_FOUND", "Prompt not found");

    if (input.ownerId !== undefined && input.ownerId !== null && input.ownerId !== before.ownerId) {
      const [member] = await tx
        .select({ userId: workspaceMembers.userId })
        .from(workspaceMembers)
        .where(and(eq(workspaceMembers.workspaceId, input.workspaceId), eq(workspaceMembers.userId, input.ownerId)))
        .limit(1);
      if (!member) throw new ApiError("VALIDATION_FAILED", "owner_id must be a member of this workspace");
    }

    const beforeFields: Record<string, unknown> = {};
    const afterFields: Record<string, unknown> = {};
    const change = (field: string, from: unknown, to: unknown) => {
      beforeFields[field] = from;
      afterFields[field] = to;
    };
    if (input.name !== undefined && input.name !== before.name) change("name", before.name, input.name);
    if (input.description !== undefined && input.description !== before.description) change("description", before.description, input.description);
    if (input.ownerId !== undefined && input.ownerId !== before.ownerId) change("owner_id", before.ownerId, input.ownerId);
    if (input.status !== undefined && input.status !== before.status) change("status", before.status, input.status);

    if (input.tags !== undefined) {
      const wanted = await resolveTagReferences(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, references: input.tags, createMissing: true });
      const current = await tx
        .select({ id: tags.id })
        .from(promptTags)
        .innerJoin(tags, and(eq(tags.id, promptTags.tagId), eq(tags.workspaceId, promptTags.workspaceId)))
        .where(and(eq(promptTags.workspaceId, input.workspaceId), eq(promptTags.promptId, input.promptId)));
      const currentIds = current.map((tag) => tag.id);
      const wantedIds = wanted.map((tag) => tag.id);
      const removed = currentIds.filter((id) => !wantedIds.includes(id));
      const added = wantedIds.filter((id) => !currentIds.includes(id));
      if (removed.length > 0) {
        await tx.delete(promptTags).where(and(eq(promptTags.workspaceId, input.workspaceId), eq(promptTags.promptId, input.promptId), inArray(promptTags.tagId, removed)));
      }
      if (added.length > 0) await tx.insert(promptTags).values(added.map((tagId) => ({ workspaceId: input.workspaceId, promptId: input.promptId, tagId })));
      if (removed.length > 0 || added.length > 0) change("tags", currentIds.toSorted(), wantedIds.toSorted());
    }

    if (Object.keys(afterFields).length === 0) return;
    await tx
      .update(prompts)
      .set({
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.ownerId === undefined ? {} : { ownerId: input.ownerId }),
        ...(input.status === undefined || input.status === before.status ? {} : { status: input.status, archivedAt: input.status === "archived" ? new Date() : null }),
        updatedAt: new Date(),
      })
      .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)));
    const onlyStatus = Object.keys(afterFields).length === 1 && "status" in afterFields;
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: onlyStatus ? (input.status === "archived" ? "prompt.archive" : "prompt.unarchive") : "prompt.update",
      targetType: "prompt",
      targetId: input.promptId,
      before: beforeFields,
      after: afterFields,
    });
  });
  if (input.status !== undefined) await refreshPublishedEntries(ctx, { workspaceId: input.workspaceId, promptIds: [input.promptId] });
  return getPrompt({ ctx, input: { workspaceId: input.workspaceId, promptId: input.promptId } });
}
