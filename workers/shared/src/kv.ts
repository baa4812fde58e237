/**
 * The KV projection contract between the API worker (the only writer) and the edge worker (a
 * reader). Postgres is the source of truth; everything under these keys can be rebuilt from it.
 */
import * as z from "zod";

export const ENVIRONMENTS = ["development", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const kvKeys = {
  apiKey: (keyHash: string) => `apikey:${keyHash}`,
  publishedPrompt: (workspaceId: string, environment: Environment, slug: string) =>
    `prompt:${workspaceId}:${environment}:${slug}`,
};

export const variableSchema = z.object({
  name: z.string(),
  type: z.enum(["string", "number", "boolean", "enum"]),
  required: z.boolean(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  values: z.array(z.string()).optional(),
});

export const chatMessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});

export const publishedPromptSchema = z.object({
  workspace_id: z.string(),
  prompt_id: z.string(),
  slug: z.string(),
  environment: z.enum(ENVIRONMENTS),
  version_id: z.string(),
  version: z.number().int().positive(),
  kind: z.enum(["text", "chat"]),
  content: z.string().nullable(),
  messages: z.array(chatMessageSchema).nullable(),
  variables: z.array(variableSchema),
  model_config: z.record(z.string(), z.unknown()),
  published_at: z.string(),
});
export type PublishedPrompt = z.infer<typeof publishedPromptSchema>;

export const apiKeyRecordSchema = z.object({
  key_id: z.string(),
  workspace_id: z.string(),
  scopes: z.array(z.enum(["prompts:read", "events:write"])),
  environment: z.enum(ENVIRONMENTS).nullable(),
  expires_at: z.string().nullable(),
});
export type ApiKeyRecord = z.infer<typeof apiKeyRecordSchema>;
