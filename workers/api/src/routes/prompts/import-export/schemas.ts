/**
 * The portable document of /api/prompts/export and /api/prompts/import (P6). Its versions are
 * checked by the same schemas as POST /api/prompts/{promptId}/versions, and every object is
 * strict, so a misspelt field is an error rather than silently lost data.
 */
import { z } from "@hono/zod-openapi";
import { MAX_PORTABLE_PROMPTS, MAX_PORTABLE_VERSIONS, PORTABLE_FORMAT_VERSION } from "../../../services/prompts/export-prompts.ts";
import { tagColorSchema, tagNameSchema } from "../../tags/schemas.ts";
import { MAX_TAGS_PER_PROMPT, promptDescriptionSchema, promptNameSchema, slugSchema } from "../schemas.ts";
import { changelogSchema, contentSchema, messagesSchema, modelConfigSchema, variablesSchema } from "../versions/schemas.ts";

const portableVersionSchema = z
  .strictObject({
    version_number: z.number().int().min(1).max(1_000_000).optional().openapi({ description: "Kept by a newly created prompt when every version has one" }),
    kind: z.enum(["text", "chat"]).optional().openapi({ description: "text with content, chat with messages; may be left out" }),
    content: contentSchema.optional(),
    messages: messagesSchema.optional(),
    variables: variablesSchema.optional(),
    model_config: modelConfigSchema.optional(),
    changelog: changelogSchema.nullable().optional(),
    status: z
      .enum(["draft", "testing", "production", "archived"])
      .optional()
      .openapi({ description: "The status where it was exported; informative only: imported versions are always drafts" }),
  })
  .superRefine((version, issues) => {
    if ((version.content === undefined) === (version.messages === undefined)) issues.addIssue({ code: "custom", message: "give exactly one of content (text prompt) or messages (chat prompt)" });
    else if (version.kind !== undefined && version.kind !== (version.messages === undefined ? "text" : "chat")) issues.addIssue({ code: "custom", message: "kind does not match the body (text has content, chat has messages)", path: ["kind"] });
  })
  .openapi("PortableVersion");

const portablePromptSchema = z
  .strictObject({
    slug: slugSchema,
    name: promptNameSchema,
    description: promptDescriptionSchema.nullable().optional(),
    tags: z
      .array(z.strictObject({ name: tagNameSchema, color: tagColorSchema.optional() }))
      .max(MAX_TAGS_PER_PROMPT)
      .optional()
      .openapi({ description: "By name; tags the workspace lacks are created with this colour, existing ones keep theirs" }),
    versions: z.array(portableVersionSchema).max(MAX_PORTABLE_VERSIONS).optional(),
  })
  .superRefine((prompt, issues) => {
    const numbers = (prompt.versions ?? []).flatMap((version) => (version.version_number === undefined ? [] : [version.version_number]));
    if (new Set(numbers).size !== numbers.length) issues.addIssue({ code: "custom", message: "version_number must not repeat within a prompt", path: ["versions"] });
  })
  .openapi("PortablePrompt");

export const portableDocumentSchema = z
  .strictObject({
    xr2_export: z.literal(PORTABLE_FORMAT_VERSION).openapi({ description: "The format version of the document" }),
    exported_at: z.string().max(64).optional(),
    prompts: z.array(portablePromptSchema).max(MAX_PORTABLE_PROMPTS),
  })
  .superRefine((document, issues) => {
    const seen = new Set<string>();
    document.prompts.forEach((prompt, index) => {
      if (seen.has(prompt.slug)) issues.addIssue({ code: "custom", message: `the slug "${prompt.slug}" appears twice`, path: ["prompts", index, "slug"] });
      seen.add(prompt.slug);
    });
  })
  .openapi("PromptExport");

export const YAML_MEDIA_TYPES = ["application/yaml", "application/x-yaml", "text/yaml"] as const;
