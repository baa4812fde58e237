// Prompts and their coloured tags (P2).
//
// The tables that make up a prompt's lifecycle (versions, tag links, environments, deployments,
// approval requests, experiments and their variants) reference it with the pair
// (workspace_id, prompt_id) → prompts (workspace_id, id), not prompt_id alone: the database then
// guarantees that such a row lives in its prompt's workspace (S2), and moving a prompt to another
// workspace carries those rows along (ON UPDATE CASCADE). Analytics tables do not; see exposures.ts.
import { relations } from "drizzle-orm";
import { foreignKey, index, pgEnum, pgTable, primaryKey, text, unique } from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { deployments, environments } from "./deployments";
import { experiments } from "./experiments";
import { users } from "./users";
import { promptVersions } from "./versions";
import { workspaces } from "./workspaces";

export const promptStatusEnum = pgEnum("prompt_status", ["active", "archived"]);
export type PromptStatus = (typeof promptStatusEnum.enumValues)[number];

export const prompts = pgTable(
  "prompts",
  {
    id: text("id").primaryKey(), // "pr_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The name apps use in GET /api/v1/get-prompt/{slug}; unique per workspace. */
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    status: promptStatusEnum("status").notNull().default("active"),
    ownerId: text("owner_id").references(() => users.id, { onDelete: "set null" }),
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    archivedAt: timestamptz("archived_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Edge-miss path: (workspace of the API key, slug) → prompt.
    unique("prompts_workspace_id_slug_unique").on(t.workspaceId, t.slug),
    // Target of the (workspace_id, prompt_id) foreign keys described at the top of this file.
    unique("prompts_workspace_id_id_unique").on(t.workspaceId, t.id),
    // Prompt list: active/archived, most recently changed first.
    index("prompts_workspace_id_status_updated_at_idx").on(t.workspaceId, t.status, t.updatedAt),
  ],
);

export const tags = pgTable(
  "tags",
  {
    id: text("id").primaryKey(), // "tag_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** A CSS colour, e.g. "#22c55e". */
    color: text("color").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique("tags_workspace_id_name_unique").on(t.workspaceId, t.name),
    unique("tags_workspace_id_id_unique").on(t.workspaceId, t.id),
  ],
);

/**
 * Tag ↔ prompt links; both sides must belong to the link's workspace. Tags are per workspace, so
 * moving a prompt to another workspace fails until its tag links are removed or remapped.
 */
export const promptTags = pgTable(
  "prompt_tags",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    promptId: text("prompt_id").notNull(),
    tagId: text("tag_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "prompt_tags_pk", columns: [t.promptId, t.tagId] }),
    foreignKey({
      name: "prompt_tags_prompt_fk",
      columns: [t.workspaceId, t.promptId],
      foreignColumns: [prompts.workspaceId, prompts.id],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    foreignKey({
      name: "prompt_tags_tag_fk",
      columns: [t.workspaceId, t.tagId],
      foreignColumns: [tags.workspaceId, tags.id],
    }).onDelete("cascade"),
    // Filter prompts by tag.
    index("prompt_tags_workspace_id_tag_id_idx").on(t.workspaceId, t.tagId),
  ],
);

export const promptsRelations = relations(prompts, ({ one, many }) => ({
  workspace: one(workspaces, { fields: [prompts.workspaceId], references: [workspaces.id] }),
  owner: one(users, { fields: [prompts.ownerId], references: [users.id], relationName: "prompt_owner" }),
  createdBy: one(users, {
    fields: [prompts.createdById],
    references: [users.id],
    relationName: "prompt_creator",
  }),
  versions: many(promptVersions),
  promptTags: many(promptTags),
  environments: many(environments),
  deployments: many(deployments),
  experiments: many(experiments),
}));

export const tagsRelations = relations(tags, ({ one, many }) => ({
  workspace: one(workspaces, { fields: [tags.workspaceId], references: [workspaces.id] }),
  promptTags: many(promptTags),
}));

export const promptTagsRelations = relations(promptTags, ({ one }) => ({
  prompt: one(prompts, { fields: [promptTags.promptId], references: [prompts.id] }),
  tag: one(tags, { fields: [promptTags.tagId], references: [tags.id] }),
}));

export type Prompt = typeof prompts.$inferSelect;
export type NewPrompt = typeof prompts.$inferInsert;
export type Tag = typeof tags.$inferSelect;
export type NewTag = typeof tags.$inferInsert;
export type PromptTag = typeof promptTags.$inferSelect;
export type NewPromptTag = typeof promptTags.$inferInsert;
