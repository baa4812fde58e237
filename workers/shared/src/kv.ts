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
  /** Every event definition of a workspace, in one entry (an empty list when it has none). */
  eventDefinitions: (workspaceId: string) => `evdefs:${workspaceId}`,
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

/** What the edge renders and reports for one version: the published one, or an experiment variant's. */
export const servedVersionSchema = z.object({
  version_id: z.string(),
  version: z.number().int().positive(),
  kind: z.enum(["text", "chat"]),
  content: z.string().nullable(),
  messages: z.array(chatMessageSchema).nullable(),
  variables: z.array(variableSchema),
  model_config: z.record(z.string(), z.unknown()),
});
export type ServedVersion = z.infer<typeof servedVersionSchema>;

/** The running experiment of a prompt's environment (A6): variants in order, the first is the control. */
export const projectedExperimentSchema = z.object({
  id: z.string(),
  variants: z.array(z.object({ key: z.string().min(1).max(64), weight: z.number().int().positive(), version: servedVersionSchema })).min(2),
});
export type ProjectedExperiment = z.infer<typeof projectedExperimentSchema>;

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
  /** Present while an experiment runs: units with a unit_id get one of its variants instead. */
  experiment: projectedExperimentSchema.optional(),
});
export type PublishedPrompt = z.infer<typeof publishedPromptSchema>;

/** A rate limit as the edge applies it: `requests` per sliding window of `window_seconds`. */
export const windowLimitSchema = z.object({ requests: z.number().int().positive(), window_seconds: z.number().int().positive() });
export type WindowLimit = z.infer<typeof windowLimitSchema>;

/**
 * The limits in force for a key that differ from the edge's built-in policies, resolved by the API
 * worker (key → workspace → global; services/workspaces/list-limits.ts). Absent: the edge's own
 * default (rate-limit-policies.ts with RATE_LIMIT_OVERRIDES); null: no limit (exempt). Monthly
 * quotas are counts per calendar month (UTC) for the key's workspace.
 */
export const apiKeyLimitsSchema = z.object({
  get_prompt_per_key: windowLimitSchema.nullable().optional(),
  get_prompt_per_workspace: windowLimitSchema.nullable().optional(),
  events_per_key: windowLimitSchema.nullable().optional(),
  events_per_workspace: windowLimitSchema.nullable().optional(),
  get_prompt_per_month: z.number().int().nonnegative().nullable().optional(),
  events_per_month: z.number().int().nonnegative().nullable().optional(),
});
export type ApiKeyLimits = z.infer<typeof apiKeyLimitsSchema>;

export const apiKeyRecordSchema = z.object({
  key_id: z.string(),
  workspace_id: z.string(),
  scopes: z.array(z.enum(["prompts:read", "events:write"])),
  environment: z.enum(ENVIRONMENTS).nullable(),
  expires_at: z.string().nullable(),
  /** Only when some limit differs from the built-in defaults. */
  limits: apiKeyLimitsSchema.optional(),
});
export type ApiKeyRecord = z.infer<typeof apiKeyRecordSchema>;

export const EVENT_FIELD_TYPES = ["string", "number", "boolean"] as const;
export const eventFieldDefinitionSchema = z.object({ name: z.string(), type: z.enum(EVENT_FIELD_TYPES) });
export type EventFieldDefinition = z.infer<typeof eventFieldDefinitionSchema>;

/** What the edge validates events against (E4): the workspace's definitions, by event name. */
export const eventDefinitionsRecordSchema = z.object({
  workspace_id: z.string(),
  definitions: z.array(
    z.object({
      event_name: z.string(),
      category: z.string(),
      required_fields: z.array(eventFieldDefinitionSchema),
      optional_fields: z.array(eventFieldDefinitionSchema),
    }),
  ),
});
export type EventDefinitionsRecord = z.infer<typeof eventDefinitionsRecordSchema>;
export type EventDefinitionRecord = EventDefinitionsRecord["definitions"][number];
