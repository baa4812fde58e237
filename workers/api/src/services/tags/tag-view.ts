import type { Tag } from "@xr2/db/schema";

/** A tag's id pattern; tag names may not look like one, so a reference is unambiguous. */
export const TAG_ID_PATTERN = /^tag_[0-9a-z]{26}$/;

export function toTagView(tag: Pick<Tag, "id" | "name" | "color">) {
  return { id: tag.id, name: tag.name, color: tag.color };
}

export type TagView = ReturnType<typeof toTagView>;
