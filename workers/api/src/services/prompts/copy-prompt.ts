/**
 * Copies a prompt, with every version (as drafts) and its tags (by name), into another workspace
 * of the caller (P6). The source is read in the workspace of the request; the target is checked
 * here, with the same rules as the middleware: not a member → 404 (it does not exist for the
 * caller), a role without prompts.write → 403. One audit row in each workspace. Moving prompts
 * (services/prompts/move-prompts.ts) copies with the same pieces.
 */
import { and, eq } from "drizzle-orm";
import { prompts, workspaceMembers } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { HttpDatabase, ServiceContext, Transaction } from "../../context.ts";
import { allows, type AccessTokenScope } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { toPortablePrompts, type PortablePrompt } from "./export-prompts.ts";
import { emitEvent } from "../webhooks/emit-event.ts";
import { ensureTagsByName, insertPortablePrompt, promptCreatedFields } from "./import-prompts.ts";
import { loadPromptViews } from "./prompt-view.ts";

export async function copyPrompt({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; actorUserId: string; promptId: string; targetWorkspaceId: string; slug?: string | undefined; name?: string | undefined; accessToken?: CallerToken | undefined };
}) {
  const db = ctx.http();
  const [source] = await db
    .select()
    .from(prompts)
    .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
    .limit(1);
  if (!source) throw new ApiError("NOT_FOUND", "Prompt not found");
  await assertCanWriteTarget(db, input);

  const [portable] = await toPortablePrompts(db, input.workspaceId, [source]);
  const prompt = { ...portable!, slug: input.slug ?? source.slug, name: input.name ?? source.name };
  const copied = await ctx.db().transaction(async (tx) => {
    const inserted = await insertCopy(tx, ctx, { targetWorkspaceId: input.targetWorkspaceId, actorUserId: input.actorUserId, prompt });
    const link = { source_workspace_id: input.workspaceId, source_prompt_id: source.id, target_workspace_id: input.targetWorkspaceId, target_prompt_id: inserted.prompt_id };
    await recordAudit(tx, ctx, {
      workspaceId: input.targetWorkspaceId,
      actorUserId: input.actorUserId,
      action: "prompt.copy_in",
      targetType: "prompt",
      targetId: inserted.prompt_id,
      after: { ...link, ...copiedFields(prompt, inserted.versions) },
    });
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "prompt.copy_out", targetType: "prompt", targetId: source.id, after: { ...link, slug: prompt.slug } });
    await emitEvent(tx, ctx, { type: "prompt.created", workspaceId: input.targetWorkspaceId, actorUserId: input.actorUserId, data: promptCreatedFields(inserted.prompt_id, prompt, "copied", inserted.versions) });
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

/** An access token's workspace and scopes, when the caller came with one. */
export interface CallerToken {
  workspaceId: string;
  scopes: readonly AccessTokenScope[];
}

/**
 * The caller must be able to write prompts in the target: not a member → 404, a role without
 * prompts.write → 403. An access token acts in its own workspace only (any other target is one it
 * cannot see: 404) and within its scopes (403 without prompts:write).
 */
export async function assertCanWriteTarget(db: HttpDatabase, input: { targetWorkspaceId: string; actorUserId: string; accessToken?: CallerToken | undefined }): Promise<void> {
  if (input.accessToken && input.accessToken.workspaceId !== input.targetWorkspaceId) throw new ApiError("NOT_FOUND", "Workspace not found");
  const [membership] = await db
    .select({ role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, input.targetWorkspaceId), eq(workspaceMembers.userId, input.actorUserId)))
    .limit(1);
  if (!membership) throw new ApiError("NOT_FOUND", "Workspace not found");
  if (!allows({ role: membership.role }, "prompts.write")) throw new ApiError("FORBIDDEN", `Your role (${membership.role}) in the target workspace may not do this (prompts.write)`);
  if (input.accessToken && !allows({ role: membership.role, scopes: input.accessToken.scopes }, "prompts.write")) {
    throw new ApiError("FORBIDDEN", `This access token's scopes (${input.accessToken.scopes.join(", ")}) do not allow this (prompts.write)`);
  }
}

/** Inserts `prompt` into the target workspace with its tags and versions (as drafts); its slug must be free there (409). No audit row. */
export async function insertCopy(tx: Transaction, ctx: ServiceContext, input: { targetWorkspaceId: string; actorUserId: string; prompt: PortablePrompt }) {
  const [taken] = await tx
    .select({ id: prompts.id })
    .from(prompts)
    .where(and(eq(prompts.workspaceId, input.targetWorkspaceId), eq(prompts.slug, input.prompt.slug)))
    .limit(1);
  if (taken) throw new ApiError("CONFLICT", `The target workspace already has a prompt with the slug "${input.prompt.slug}"`);
  const tagsByName = await ensureTagsByName(tx, ctx, { workspaceId: input.targetWorkspaceId, actorUserId: input.actorUserId, tags: input.prompt.tags ?? [] });
  return insertPortablePrompt(tx, { workspaceId: input.targetWorkspaceId, actorUserId: input.actorUserId, prompt: input.prompt, tagsByName });
}

/** What an audit row of the receiving workspace records about a copied prompt. */
export function copiedFields(prompt: PortablePrompt, versions: Array<{ version_number: number }>) {
  return { slug: prompt.slug, name: prompt.name, tags: (prompt.tags ?? []).map((tag) => tag.name), version_numbers: versions.map((version) => version.version_number) };
}
