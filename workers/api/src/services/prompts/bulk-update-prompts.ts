/**
 * Archive, unarchive, tag or untag up to 100 prompts in one transaction, with a result per id.
 * Ids that are not prompts of this workspace (another tenant's included) are reported as
 * not_found and never touched: every statement is filtered by the workspace.
 */
import { and, eq, inArray } from "drizzle-orm";
import { prompts, promptTags } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { resolveTagReferences } from "../tags/resolve-tag-references.ts";
import type { TagView } from "../tags/tag-view.ts";
import { refreshPublishedEntries } from "./refresh-published-entries.ts";

export const BULK_ACTIONS = ["archive", "unarchive", "tag", "untag"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const MAX_BULK_PROMPTS = 100;

export type BulkOutcome = "updated" | "unchanged" | "not_found";

export interface BulkUpdateInput {
  workspaceId: string;
  actorUserId: string;
  action: BulkAction;
  promptIds: string[];
  /** The tag (id or name) for tag/untag; tagging with an unknown name creates the tag. */
  tag?: string | undefined;
}

export async function bulkUpdatePrompts({ ctx, input }: { ctx: ServiceContext; input: BulkUpdateInput }) {
  const { found, updated, tag } = await ctx.db().transaction(async (tx) => {
    const rows = await tx
      .select({ id: prompts.id, status: prompts.status })
      .from(prompts)
      .where(and(eq(prompts.workspaceId, input.workspaceId), inArray(prompts.id, input.promptIds)))
      .for("update");
    const found = new Set(rows.map((row) => row.id));
    let updated: string[] = [];
    let tag: TagView | undefined;
    const audit = async (promptId: string, action: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null) =>
      recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action, targetType: "prompt", targetId: promptId, before, after });

    if (input.action === "archive" || input.action === "unarchive") {
      const status = input.action === "archive" ? "archived" : "active";
      updated = rows.filter((row) => row.status !== status).map((row) => row.id);
      if (updated.length > 0) {
        await tx
          .update(prompts)
          .set({ status, archivedAt: status === "archived" ? new Date() : null, updatedAt: new Date() })
          .where(and(eq(prompts.workspaceId, input.workspaceId), inArray(prompts.id, updated)));
      }
      for (const promptId of updated) await audit(promptId, `prompt.${input.action}`, { status: status === "archived" ? "active" : "archived" }, { status });
    } else {
      if (input.tag === undefined) throw new ApiError("VALIDATION_FAILED", `The ${input.action} action needs a tag`);
      [tag] = await resolveTagReferences(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, references: [input.tag], createMissing: input.action === "tag" });
      const tagId = tag!.id;
      if (found.size > 0) {
        updated =
          input.action === "tag"
            ? (
                await tx
                  .insert(promptTags)
                  .values([...found].map((promptId) => ({ workspaceId: input.workspaceId, promptId, tagId })))
                  .onConflictDoNothing()
                  .returning({ promptId: promptTags.promptId })
              ).map((link) => link.promptId)
            : (
                await tx
                  .delete(promptTags)
                  .where(and(eq(promptTags.workspaceId, input.workspaceId), eq(promptTags.tagId, tagId), inArray(promptTags.promptId, [...found])))
                  .returning({ promptId: promptTags.promptId })
              ).map((link) => link.promptId);
      }
      if (updated.length > 0) await tx.update(prompts).set({ updatedAt: new Date() }).where(and(eq(prompts.workspaceId, input.workspaceId), inArray(prompts.id, updated)));
      const tagged = { tag: { id: tagId, name: tag!.name } };
      for (const promptId of updated) await audit(promptId, `prompt.${input.action}`, input.action === "tag" ? null : tagged, input.action === "tag" ? tagged : null);
    }
    return { found, updated: new Set(updated), tag };
  });

  // Retried requests repair KV too, so every found prompt is projected, not only the changed ones.
  if (input.action === "archive" || input.action === "unarchive") await refreshPublishedEntries(ctx, { workspaceId: input.workspaceId, promptIds: [...found] });

  const results = input.promptIds.map((promptId) => ({
    prompt_id: promptId,
    outcome: (!found.has(promptId) ? "not_found" : updated.has(promptId) ? "updated" : "unchanged") as BulkOutcome,
  }));
  return { action: input.action, ...(tag ? { tag } : {}), updated: updated.size, results };
}
