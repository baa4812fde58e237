/** The public shapes of /api/tags (also embedded in prompts). */
import { z } from "@hono/zod-openapi";
import { TAG_ID_PATTERN } from "../../services/tags/tag-view.ts";

export const tagIdParam = z.object({ tagId: z.string().max(64).openapi({ param: { name: "tagId", in: "path" }, example: "tag_01j…" }) });
export const tagNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((name) => !TAG_ID_PATTERN.test(name), "must not look like a tag id");
/** Stored in lower case. */
export const tagColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #22c55e").openapi({ example: "#22c55e" });

export const tagSchema = z.object({ id: z.string(), name: z.string(), color: z.string() }).openapi("Tag");
export const tagDetailsSchema = tagSchema
  .extend({ created_at: z.string(), prompt_count: z.number().int().openapi({ description: "Active prompts carrying the tag" }) })
  .openapi("TagDetails");
