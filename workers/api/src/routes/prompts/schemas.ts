/** The public shapes of /api/prompts (the versions' shapes are in versions/schemas.ts). */
import { z } from "@hono/zod-openapi";
import { PROMPT_LIMITS } from "@xr2/shared/prompt-limits";
import { tagSchema } from "../tags/schemas.ts";

/** `{promptId}`: the prompt's id or its slug (resolved in the caller's workspace by the promptReference middleware). */
export const promptIdParam = z.object({
  promptId: z
    .string()
    .max(128)
    .openapi({ param: { name: "promptId", in: "path", description: "The prompt's id, or its slug in the workspace (archived prompts included)" }, example: "pr_01j…" }),
});

/** Paths under /api/prompts/ that are routes of their own, so never a prompt's slug (which {promptId} also takes). */
export const RESERVED_SLUGS = ["bulk", "export", "import"] as const;

/**
 * What apps fetch a prompt by, in a URL path: lowercase letters, digits, '-', '_', '.', starting
 * with a letter or digit (so never "." or "..", which URL parsers would resolve away), and none
 * of RESERVED_SLUGS.
 */
export const slugSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "use lowercase letters, digits, '-', '_' and '.', starting with a letter or digit")
  .refine((slug) => !(RESERVED_SLUGS as readonly string[]).includes(slug), { message: `${RESERVED_SLUGS.join(", ")} are reserved: /api/prompts/<slug> would name a route` })
  .openapi({ example: "onboarding.welcome-email" });
export const promptNameSchema = z.string().trim().min(1).max(PROMPT_LIMITS.nameChars);
export const promptDescriptionSchema = z.string().trim().max(PROMPT_LIMITS.descriptionChars);
export const MAX_TAGS_PER_PROMPT = 50;
export const tagReferencesSchema = z
  .array(z.string().trim().min(1).max(64))
  .max(MAX_TAGS_PER_PROMPT)
  .openapi({ description: "Tag ids or names; names that do not exist yet are created", example: ["onboarding"] });
export const promptStatusSchema = z.enum(["active", "archived"]);

const environmentPointerSchema = z.object({ version_id: z.string(), version_number: z.number().int(), updated_at: z.string() }).openapi("EnvironmentPointer");

export const promptSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: promptStatusSchema,
    tags: z.array(tagSchema),
    owner_id: z.string().nullable(),
    created_by_id: z.string().nullable(),
    archived_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    environments: z
      .object({ development: environmentPointerSchema.optional(), staging: environmentPointerSchema.optional(), production: environmentPointerSchema.optional() })
      .openapi({ description: "The version each environment serves; absent when nothing is published there" }),
  })
  .openapi("Prompt");
