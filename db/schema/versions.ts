// Prompt versions (P3). A version is editable only while it is a draft; from testing on, its
// content is frozen. Besides the services, migration 0001 enforces that with a trigger, because
// deployments, exposures and analytics all point at version ids and must keep meaning the same
// text.
import { relations, sql } from "drizzle-orm";
import { check, foreignKey, integer, jsonb, pgEnum, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { environments } from "./deployments";
import type { LlmProvider } from "./llm";
import { prompts } from "./prompts";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const promptKindEnum = pgEnum("prompt_kind", ["text", "chat"]);
export type PromptKind = (typeof promptKindEnum.enumValues)[number];

export const versionStatusEnum = pgEnum("version_status", ["draft", "testing", "production", "archived"]);
export type VersionStatus = (typeof versionStatusEnum.enumValues)[number];

// Shapes stored in the jsonb columns. The API validates them with its public zod schemas; these
// types describe what is stored, in the snake_case of the public contract.
export type PromptVariable = {
  name: string;
  type: "string" | "number" | "boolean" | "enum";
  required: boolean;
  default?: string | number | boolean;
  /** Allowed values when type is "enum". */
  values?: string[];
  description?: string;
};
export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };
export type ModelConfig = {
  provider?: LlmProvider;
  model?: string;
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  [setting: string]: unknown;
};

export const promptVersions = pgTable(
  "prompt_versions",
  {
    id: text("id").primaryKey(), // "pv_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    promptId: text("prompt_id").notNull(),
    /** 1, 2, 3… per prompt, allocated by the service; the unique constraint settles races. */
    versionNumber: integer("version_number").notNull(),
    kind: promptKindEnum("kind").notNull().default("text"),
    /** The template of a text prompt. */
    content: text("content"),
    /** The templated messages of a chat prompt. */
    messages: jsonb("messages").$type<ChatMessage[]>(),
    variables: jsonb("variables")
      .$type<PromptVariable[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    modelConfig: jsonb("model_config")
      .$type<ModelConfig>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    changelog: text("changelog"),
    status: versionStatusEnum("status").notNull().default("draft"),
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      name: "prompt_versions_prompt_fk",
      columns: [t.workspaceId, t.promptId],
      foreignColumns: [prompts.workspaceId, prompts.id],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    // Also serves "versions of a prompt, newest first".
    unique("prompt_versions_prompt_id_version_number_unique").on(t.promptId, t.versionNumber),
    // Target of (prompt_id, version_id) foreign keys: a pointer to a version (environment,
    // deployment, approval, experiment variant) can only name a version of the same prompt.
    unique("prompt_versions_prompt_id_id_unique").on(t.promptId, t.id),
    check("prompt_versions_version_number_positive", sql`${t.versionNumber} > 0`),
    check(
      "prompt_versions_body_matches_kind",
      sql`(${t.kind} = 'text' and ${t.content} is not null) or (${t.kind} = 'chat' and ${t.messages} is not null)`,
    ),
  ],
);

export const promptVersionsRelations = relations(promptVersions, ({ one, many }) => ({
  workspace: one(workspaces, { fields: [promptVersions.workspaceId], references: [workspaces.id] }),
  prompt: one(prompts, { fields: [promptVersions.promptId], references: [prompts.id] }),
  createdBy: one(users, { fields: [promptVersions.createdById], references: [users.id] }),
  environments: many(environments),
}));

export type PromptVersion = typeof promptVersions.$inferSelect;
export type NewPromptVersion = typeof promptVersions.$inferInsert;
