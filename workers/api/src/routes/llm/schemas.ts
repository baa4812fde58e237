/** Request pieces and answer shapes of /api/llm (L1–L4), with the limits on every size and count. */
import { z } from "@hono/zod-openapi";
import { LLM_PROVIDERS } from "../../services/llm/providers/provider-names.ts";

export const LLM_LIMITS = {
  apiKeyChars: 512,
  variables: 100,
  variableValueChars: 100_000,
  messages: 200,
  messageChars: 200_000,
  textChars: 1_000_000,
  fallbacks: 3,
  compareTargets: 4,
  stopSequences: 4,
  maxTokens: 128_000,
  timeoutMs: { min: 100, max: 120_000, default: 30_000 },
} as const;

export const providerSchema = z.enum(LLM_PROVIDERS).openapi({ example: "openai" });
export const providerParam = z.object({ provider: providerSchema.openapi({ param: { name: "provider", in: "path" } }) });
export const modelSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, "must be a model id like gpt-4o-mini")
  .openapi({ example: "gpt-4o-mini" });
export const targetSchema = z.strictObject({ provider: providerSchema, model: modelSchema });
const idSchema = (example: string) => z.string().min(1).max(64).openapi({ example });

export const apiKeySchema = z
  .string()
  .trim()
  .min(8, "must be at least 8 characters")
  .max(LLM_LIMITS.apiKeyChars)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export const variablesSchema = z
  .record(z.string().min(1).max(100), z.union([z.string().max(LLM_LIMITS.variableValueChars), z.number(), z.boolean()]))
  .refine((values) => Object.keys(values).length <= LLM_LIMITS.variables, `at most ${LLM_LIMITS.variables} variables`)
  .openapi({ example: { name: "Ada" } });

export const settingsShape = {
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().min(1).max(LLM_LIMITS.maxTokens).optional().openapi({ description: "Output token limit; default the version's model_config.max_tokens, else 1024" }),
  top_p: z.number().min(0).max(1).optional(),
  stop: z.array(z.string().min(1).max(100)).max(LLM_LIMITS.stopSequences).optional(),
};

export const promptRefShape = {
  prompt_id: idSchema("pr_01j…"),
  version_id: idSchema("pv_01j…"),
  variables: variablesSchema.default({}),
};

export const timeoutSchema = z
  .number()
  .int()
  .min(LLM_LIMITS.timeoutMs.min)
  .max(LLM_LIMITS.timeoutMs.max)
  .default(LLM_LIMITS.timeoutMs.default)
  .openapi({ description: "Per attempt: how long to wait for the first token (and between parts of a stream) before failing over" });

export const chatMessageSchema = z.strictObject({ role: z.enum(["system", "user", "assistant"]), content: z.string().max(LLM_LIMITS.messageChars) });

export const tokensSchema = z.object({ input: z.number().int(), output: z.number().int(), cached_input: z.number().int() });

export const failedAttemptSchema = z
  .object({ provider: providerSchema, model: z.string(), usage_id: z.string(), error_code: z.string(), message: z.string(), fallback_from: providerSchema.nullable() })
  .openapi("LlmFailedAttempt");

export const providerKeySchema = z
  .object({
    id: z.string(),
    provider: providerSchema,
    scope: z.enum(["workspace", "user"]),
    key_suffix: z.string().openapi({ example: "…x7Qa" }),
    last_used_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("LlmProviderKey");
