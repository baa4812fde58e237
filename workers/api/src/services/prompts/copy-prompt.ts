/**
 * Copies a prompt, with every version (as drafts) and its tags (by name), into another workspace
 * of the caller (P6). The source is read in the workspace of the request; the target is checked
 * here, with the same rules as the middleware: not a member → 404 (it does not exist for the
 * caller), a role without prompts.write → 403. One audit row in each workspace.
 */
import { and, eq } from "drizzle-orm";
import { prompts, workspaceMembers } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { can } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { toPortablePrompts } from "./export-prompts.ts";
import { ensureTagsByName, insertPortablePrompt } from "./import-prompts.ts";
import { loadPromptViews } from "./prompt-view.ts";

export async function copyPrompt({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; actorUserId: string; promptId: string; targetWorkspaceId: string; slug?: string | undefined };
}) {
  const db = ctx.http();
  const [[source], [membership]] = await Promise.all([
    db
      .select()
      .from(prompts)
      .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
      .limit(1),
    db
      .select({ role: workspaceMembers.role })
      .from(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, input.targetWorkspaceId), eq(workspaceMembers.userId, input.actorUserId)))
      .limit(1),
  ]);
  if (!source) throw new ApiError("NOT_FOUND", "Prompt not found");
  if (!membership) throw new ApiError("NOT_FOUND", "Workspace not found");
  if (!can(membership.role, "prompts.write")) throw new ApiError("FORBIDDEN", `Your role (${membership.role}) in the target workspace may not do this (prompts.write)`);

  const [portable] = await toPortablePrompts(ctx, input.workspaceId, [source]);
  const prompt = { ...portable!, slug: input.slug ?? source.slug };
  const copied = await ctx.db().transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: prompts.id })
      .from(prompts)
      .where(and(eq(prompts.workspaceId, input.targetWorkspaceId), eq(prompts.slug, prompt.slug)))
      .limit(1);
    if (taken) throw new ApiError("CONFLICT", `The target workspace already has a prompt with the slug "${prompt.slug}"; copy it under another slug`);
    const tagsByName = await ensureTagsByName(tx, ctx, { workspaceId: input.targetWorkspaceId, actorUserId: input.actorUserId, tags: prompt.tags ?? [] });
    const inserted = await insertPortablePrompt(tx, { workspaceId: input.targetWorkspaceId, actorUserId: input.actorUserId, prompt, tagsByName });
    const link = { source_workspace_id: input.workspaceId, source_prompt_id: source.id, target_workspace_id: input.targetWorkspaceId, target_prompt_id: inserted.prompt_id };
    await recordAudit(tx, ctx, {
      workspaceId: input.targetWorkspaceId,
      actorUserId: input.actorUserId,
      action: "prompt.copy_in",
      targetType: "prompt",
      targetId: inserted.prompt_id,
      after: { ...link, slug: prompt.slug, name: prompt.name, tags: (prompt.tags ?? []).map((tag) => tag.name), version_numbers: inserted.versions.map((version) => version.version_number) },
    });
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "prompt.copy_out", targetType: "prompt", targetId: source.id, after: { ...link, slug: prompt.slug } });
    return inserted;
  });

  const [row] = await db
    .select()
    .from(prompts)
    .where(and(eq(prompts.id, copied.prompt_id), eq(prompts.workspaceId, input.targetWorkspaceId)))
    .limit(1);
  const [view] = await loadPromptViews(ctx, input.targetWorkspaceId, [row!]);
  return { workspace_id: input.targetWorkspaceId, prompt: view!, versions: copied.versions };
}
