/**
 * A new prompt, owned by its creator, with its tags (by id or name; unknown names are created).
 * The slug is what apps fetch it by and stays reserved while the prompt exists, archived or not.
 */
import { and, eq } from "drizzle-orm";
import { prompts, promptTags } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { resolveTagReferences } from "../tags/resolve-tag-references.ts";
import { emitEvent } from "../webhooks/emit-event.ts";
import { toPromptView } from "./prompt-view.ts";

export async function createPrompt({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; actorUserId: string; slug: string; name: string; description?: string | null | undefined; tags?: string[] | undefined };
}) {
  return ctx.db().transaction(async (tx) => {
    const [taken] = await tx
      .select({ status: prompts.status })
      .from(prompts)
      .where(and(eq(prompts.workspaceId, input.workspaceId), eq(prompts.slug, input.slug)))
      .limit(1);
    if (taken) {
      throw new ApiError("CONFLICT", taken.status === "archived" ? `The slug "${input.slug}" belongs to an archived prompt; unarchive it or choose another slug` : `A prompt with the slug "${input.slug}" already exists`);
    }
    const [row] = await tx
      .insert(prompts)
      .values({ id: newId("prompt"), workspaceId: input.workspaceId, slug: input.slug, name: input.name, description: input.description ?? null, ownerId: input.actorUserId, createdById: input.actorUserId })
      .returning();
    const prompt = row!;
    const tagViews = await resolveTagReferences(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, references: input.tags ?? [], createMissing: true });
    if (tagViews.length > 0) await tx.insert(promptTags).values(tagViews.map((tag) => ({ workspaceId: input.workspaceId, promptId: prompt.id, tagId: tag.id })));
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "prompt.create",
      targetType: "prompt",
      targetId: prompt.id,
      after: { slug: prompt.slug, name: prompt.name, description: prompt.description, owner_id: prompt.ownerId, tags: tagViews.map((tag) => tag.id) },
    });
    await emitEvent(tx, ctx, { type: "prompt.created", workspaceId: input.workspaceId, actorUserId: input.actorUserId, data: { prompt: { id: prompt.id, slug: prompt.slug, name: prompt.name }, origin: "created", versions: [] } });
    return toPromptView(prompt, tagViews, {});
  });
}
