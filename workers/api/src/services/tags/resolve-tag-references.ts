/**
 * Prompts name their tags by id or by name. Ids must be tags of the workspace (otherwise 404,
 * exactly as for another workspace's tag); names that do not exist yet are created, so a CLI can
 * push `tags: ["onboarding"]` without a separate call.
 */
import { and, eq, inArray, or } from "drizzle-orm";
import { tags } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { defaultTagColor, insertTags } from "./create-tag.ts";
import { TAG_ID_PATTERN, toTagView, type TagView } from "./tag-view.ts";

export async function resolveTagReferences(
  tx: Transaction,
  ctx: ServiceContext,
  input: { workspaceId: string; actorUserId: string; references: readonly string[]; createMissing: boolean },
): Promise<TagView[]> {
  const references = [...new Set(input.references)];
  if (references.length === 0) return [];
  const ids = references.filter((reference) => TAG_ID_PATTERN.test(reference));
  const names = references.filter((reference) => !TAG_ID_PATTERN.test(reference));
  const find = () =>
    tx
      .select()
      .from(tags)
      .where(and(eq(tags.workspaceId, input.workspaceId), or(ids.length > 0 ? inArray(tags.id, ids) : undefined, names.length > 0 ? inArray(tags.name, names) : undefined)));

  let found = await find();
  const unknownId = ids.find((id) => !found.some((tag) => tag.id === id));
  if (unknownId) throw new ApiError("NOT_FOUND", `Tag not found: ${unknownId}`);
  const missingNames = names.filter((name) => !found.some((tag) => tag.name === name));
  if (missingNames.length > 0) {
    if (!input.createMissing) throw new ApiError("NOT_FOUND", `Tag not found: ${missingNames[0]}`);
    await insertTags(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, tags: missingNames.map((name) => ({ name, color: defaultTagColor(name) })) });
    // Re-read: a concurrent request may have created some of these names first.
    found = await find();
  }
  const byReference = (reference: string) => found.find((tag) => tag.id === reference || tag.name === reference);
  const resolved = new Map<string, TagView>();
  for (const reference of references) {
    const tag = byReference(reference);
    if (!tag) throw new ApiError("CONFLICT", `Tag "${reference}" was deleted meanwhile; try again`);
    resolved.set(tag.id, toTagView(tag));
  }
  return [...resolved.values()];
}
