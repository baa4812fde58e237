/**
 * Moves prompts to another workspace of the caller (P2, bulk move). A move is a copy plus an
 * archive: each prompt lands in the target with its tags and every version, as drafts (as with a
 * copy, nothing is served there until someone publishes it), and the original is archived in the
 * source, which stops serving it. Deployments, approvals and analytics stay with the archived
 * original, so a move can be undone by unarchiving it. An archived prompt arrives archived.
 *
 * Each prompt moves in a transaction of its own, audited in both workspaces: a prompt whose slug
 * the target already has is reported as a conflict and left as it was, without holding back the
 * others. Ids that are not prompts of the source workspace are reported as not_found.
 */
import { and, eq } from "drizzle-orm";
import { prompts } from "@xr2/db/schema";
import { ApiError, sqlStateOf } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { assertCanWriteTarget, copiedFields, insertCopy, type CallerToken } from "./copy-prompt.ts";
import { emitEvent } from "../webhooks/emit-event.ts";
import { toPortablePrompts } from "./export-prompts.ts";
import { promptCreatedFields } from "./import-prompts.ts";
import { refreshPublishedEntries } from "./refresh-published-entries.ts";

export interface MoveResult {
  prompt_id: string;
  outcome: "moved" | "not_found" | "conflict";
  /** The prompt's id in the target workspace, when moved. */
  target_prompt_id?: string;
  /** Why, when it is a conflict. */
  message?: string;
}

export async function movePrompts({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; promptIds: string[]; targetWorkspaceId: string; accessToken?: CallerToken | undefined } }) {
  const { workspaceId, actorUserId, targetWorkspaceId } = input;
  if (targetWorkspaceId === workspaceId) throw new ApiError("VALIDATION_FAILED", "Move prompts to another workspace than the one they are in");
  await assertCanWriteTarget(ctx.http(), { targetWorkspaceId, actorUserId, accessToken: input.accessToken });

  const results: MoveResult[] = [];
  for (const promptId of input.promptIds) {
    try {
      results.push(
        await ctx.db().transaction(async (tx): Promise<MoveResult> => {
          // Locked like an archive, so no version or deployment of it slips in between copy and archive.
          const [source] = await tx
            .select()
            .from(prompts)
            .where(and(eq(prompts.id, promptId), eq(prompts.workspaceId, workspaceId)))
            .for("update");
          if (!source) return { prompt_id: promptId, outcome: "not_found" };
          const [portable] = await toPortablePrompts(tx, workspaceId, [source]);
          const inserted = await insertCopy(tx, ctx, { targetWorkspaceId, actorUserId, prompt: portable! });
          const now = new Date();
          if (source.status === "archived") {
            await tx.update(prompts).set({ status: "archived", archivedAt: now }).where(and(eq(prompts.id, inserted.prompt_id), eq(prompts.workspaceId, targetWorkspaceId)));
          } else {
            await tx.update(prompts).set({ status: "archived", archivedAt: now, updatedAt: now }).where(and(eq(prompts.id, source.id), eq(prompts.workspaceId, workspaceId)));
          }
          const link = { source_workspace_id: workspaceId, source_prompt_id: source.id, target_workspace_id: targetWorkspaceId, target_prompt_id: inserted.prompt_id };
          await recordAudit(tx, ctx, {
            workspaceId: targetWorkspaceId,
            actorUserId,
            action: "prompt.move_in",
            targetType: "prompt",
            targetId: inserted.prompt_id,
            after: { ...link, ...copiedFields(portable!, inserted.versions), status: source.status },
          });
          await recordAudit(tx, ctx, { workspaceId, actorUserId, action: "prompt.move_out", targetType: "prompt", targetId: source.id, before: { status: source.status }, after: { ...link, status: "archived" } });
          await emitEvent(tx, ctx, { type: "prompt.created", workspaceId: targetWorkspaceId, actorUserId, data: promptCreatedFields(inserted.prompt_id, portable!, "moved", inserted.versions) });
          return { prompt_id: promptId, outcome: "moved", target_prompt_id: inserted.prompt_id };
        }),
      );
    } catch (error) {
      // A slug taken in the target meanwhile trips the unique index instead of the check before it.
      if (!((error instanceof ApiError && error.code === "CONFLICT") || sqlStateOf(error) === "23505")) throw error;
      results.push({ prompt_id: promptId, outcome: "conflict", message: error instanceof ApiError ? error.message : "A prompt with this slug already exists in the target workspace" });
    }
  }

  // The archived originals leave the edge once their archive has committed.
  const moved = results.filter((result) => result.outcome === "moved").map((result) => result.prompt_id);
  await refreshPublishedEntries(ctx, { workspaceId, promptIds: moved });
  return { action: "move" as const, target_workspace_id: targetWorkspaceId, updated: moved.length, results };
}
