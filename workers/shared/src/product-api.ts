/**
 * The Product API's public contract (the edge worker's routes): one set of zod schemas that the
 * edge validates with and the API worker's OpenAPI document is generated from.
 */
import * as z from "zod";
import { chatMessageSchema, ENVIRONMENTS } from "./kv.ts";

export const PRODUCT_API_LIMITS = { variables: 100, variableValueChars: 10_000, postBodyBytes: 64 * 1024 } as const;

export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-_.]{0,127}$/i, "slug must be 1-128 letters, digits, '-', '_' or '.'");

export const getPromptQuerySchema = z.object({
  env: z.enum(ENVIRONMENTS).default("production"),
  source: z.string().max(64).optional(),
  format: z.enum(["json", "text"]).default("json"),
  unit_id: z.string().min(1).max(128).optional(),
});

const scalarSchema = z.union([z.string().max(PRODUCT_API_LIMITS.variableValueChars), z.number(), z.boolean()]);

export const variableValuesSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "variable names are identifiers"), scalarSchema)
  .refine((values) => Object.keys(values).length <= PRODUCT_API_LIMITS.variables, `at most ${PRODUCT_API_LIMITS.variables} variables`);

export const getPromptBodySchema = z.strictObject({ variables: variableValuesSchema.default({}) });

export const getPromptResponseSchema = z.object({
  slug: z.string(),
  prompt_id: z.string(),
  version_id: z.string(),
  version: z.number().int(),
  environment: z.enum(ENVIRONMENTS),
  content: z.string().nullable(),
  messages: z.array(chatMessageSchema).nullable(),
  model_config: z.record(z.string(), z.unknown()),
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  trace_id: z.string(),
  variant: z.string().optional(),
});
export type GetPromptResponse = z.infer<typeof getPromptResponseSchema>;
