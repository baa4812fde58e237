/**
 * The public shapes of prompt versions (P3). Every list and string is bounded, so no body,
 * however large or odd, reaches the database unvalidated.
 */
import { z } from "@hono/zod-openapi";
import { llmProviderEnum } from "@xr2/db/schema";
import { ENVIRONMENTS, TEMPLATE_LIMITS } from "@xr2/shared";
import { PROMPT_LIMITS } from "@xr2/shared/prompt-limits";
import { promptIdParam } from "../schemas.ts";

/** `{versionId}`: the version's id or its number within the prompt. */
export const versionIdParam = z
  .string()
  .max(64)
  .openapi({ param: { name: "versionId", in: "path", description: "The version's id, or its number within the prompt (1, 2, 3…)" }, example: "pv_01j…" });
export const versionParams = promptIdParam.extend({ versionId: versionIdParam });

/** The template engine's variable names: an ASCII letter or '_', then letters, digits or '_'. */
const variableName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must start with a letter or '_' and continue with letters, digits or '_'");

const variableSchema = z
  .strictObject({
    name: variableName,
    type: z.enum(["string", "number", "boolean", "enum"]),
    required: z.boolean().default(false),
    default: z.union([z.string().max(10_000), z.number(), z.boolean()]).optional(),
    values: z.array(z.string().min(1).max(200)).min(1).max(100).optional().openapi({ description: "The allowed values; required for, and only for, type enum" }),
    description: z.string().max(500).optional(),
  })
  .superRefine((variable, issues) => {
    const fail = (message: string, path: string) => issues.addIssue({ code: "custom", message, path: [path] });
    if (variable.type === "enum") {
      if (variable.values === undefined) fail("an enum variable needs its values", "values");
      else if (new Set(variable.values).size !== variable.values.length) fail("values must not repeat", "values");
    } else if (variable.values !== undefined) fail("values are only for enum variables", "values");
    if (variable.default === undefined) return;
    const expected = variable.type === "enum" ? "string" : variable.type;
    if (typeof variable.default !== expected) fail(`the default of a ${variable.type} variable must be a ${expected}`, "default");
    else if (variable.type === "enum" && !variable.values?.includes(variable.default as string)) fail("the default must be one of the values", "default");
  })
  .openapi("PromptVariable");

export const variablesSchema = z
  .array(variableSchema)
  .max(100)
  .superRefine((variables, issues) => {
    const seen = new Set<string>();
    variables.forEach((variable, index) => {
      if (seen.has(variable.name)) issues.addIssue({ code: "custom", message: `variable "${variable.name}" is declared twice`, path: [index, "name"] });
      seen.add(variable.name);
    });
  });

export const messagesSchema = z
  .array(z.strictObject({ role: z.enum(["system", "user", "assistant"]), content: z.string().max(TEMPLATE_LIMITS.sourceChars) }).openapi("ChatMessage"))
  .min(1)
  .max(100)
  .refine((messages) => messages.reduce((total, message) => total + message.content.length, 0) <= TEMPLATE_LIMITS.sourceChars, `the messages may hold at most ${TEMPLATE_LIMITS.sourceChars} characters in all`);

export const contentSchema = z.string().max(TEMPLATE_LIMITS.sourceChars);

/** Known settings are checked; other provider settings pass through, up to 50 keys and 10 000 characters of JSON. */
export const modelConfigSchema = z
  .object({
    provider: z.enum(llmProviderEnum.enumValues).optional(),
    model: z.string().min(1).max(200).optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).max(200_000).optional(),
    top_p: z.number().min(0).max(1).optional(),
  })
  .catchall(z.unknown())
  .superRefine((config, issues) => {
    const keys = Object.keys(config);
    if (keys.length > 50) issues.addIssue({ code: "custom", message: "at most 50 settings" });
    const badKey = keys.find((key) => !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(key));
    if (badKey !== undefined) issues.addIssue({ code: "custom", message: "setting names are letters, digits and '_', starting with a letter, at most 64 characters", path: [badKey.slice(0, 64)] });
    if (JSON.stringify(config).length > 10_000) issues.addIssue({ code: "custom", message: "the settings may take at most 10 000 characters of JSON" });
  })
  .openapi("ModelConfig");

export const changelogSchema = z.string().trim().max(PROMPT_LIMITS.changelogChars);

const versionSummaryShape = {
  id: z.string(),
  prompt_id: z.string(),
  version_number: z.number().int(),
  status: z.enum(["draft", "testing", "production", "archived"]),
  kind: z.enum(["text", "chat"]),
  changelog: z.string().nullable(),
  environments: z.array(z.enum(ENVIRONMENTS)).openapi({ description: "The environments serving this version now" }),
  created_by_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
};

export const versionSummarySchema = z.object(versionSummaryShape).openapi("PromptVersionSummary");
export const versionSchema = z
  .object({
    ...versionSummaryShape,
    content: z.string().nullable(),
    messages: z.array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() })).nullable(),
    variables: z.array(
      z.object({
        name: z.string(),
        type: z.enum(["string", "number", "boolean", "enum"]),
        required: z.boolean(),
        default: z.union([z.string(), z.number(), z.boolean()]).optional(),
        values: z.array(z.string()).optional(),
        description: z.string().optional(),
      }),
    ),
    model_config: modelConfigSchema,
  })
  .openapi("PromptVersion");
