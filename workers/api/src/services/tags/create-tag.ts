/**
 * Tags are per workspace, unique by name (case-sensitive, like the constraint). A workspace holds
 * at most MAX_TAGS_PER_WORKSPACE, so the tag list is one bounded page; the count is checked before
 * the insert, so two racing creations can overshoot by one, which is harmless.
 */
import { and, count, eq } from "drizzle-orm";
import { tags } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { toTagView } from "./tag-view.ts";

export const MAX_TAGS_PER_WORKSPACE = 500;

/** Colours for tags created without one (e.g. by naming them on a prompt), picked by the name. */
const PALETTE = ["#ef4444", "#f97316", "#eab308", "#22c55e", "#14b8a6", "#3b82f6", "#8b5cf6", "#ec4899", "#64748b"] as const;

export function defaultTagColor(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

export async function createTag({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; name: string; color?: string | undefined } }) {
  return ctx.db().transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: tags.id })
      .from(tags)
      .where(and(eq(tags.workspaceId, input.workspaceId), eq(tags.name, input.name)))
      .limit(1);
    if (taken) throw new ApiError("CONFLICT", `A tag named "${input.name}" already exists`);
    const tag = await insertTags(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, tags: [{ name: input.name, color: input.color ?? defaultTagColor(input.name) }] });
    return { ...tag[0]!, prompt_count: 0 };
  });
}

/**
 * Inserts tags (skipping names taken meanwhile) with an audit row each, and returns those it
 * created. Used by createTag and by prompts that name tags that do not exist yet.
 */
export async function insertTags(tx: Transaction, ctx: ServiceContext, input: { workspaceId: string; actorUserId: string; tags: Array<{ name: string; color: string }> }) {
  if (input.tags.length === 0) return [];
  const [existing] = await tx.select({ total: count() }).from(tags).where(eq(tags.workspaceId, input.workspaceId));
  if ((existing?.total ?? 0) + input.tags.length > MAX_TAGS_PER_WORKSPACE) {
    throw new ApiError("CONFLICT", `A workspace holds at most ${MAX_TAGS_PER_WORKSPACE} tags; delete unused ones first`);
  }
  const created = await tx
    .insert(tags)
    .values(input.tags.map((tag) => ({ id: newId("tag"), workspaceId: input.workspaceId, name: tag.name, color: tag.color })))
    .onConflictDoNothing({ target: [tags.workspaceId, tags.name] })
    .returning();
  for (const tag of created) {
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "tag.create", targetType: "tag", targetId: tag.id, after: { name: tag.name, color: tag.color } });
  }
  return created.map((tag) => ({ ...toTagView(tag), created_at: tag.createdAt.toISOString() }));
}
