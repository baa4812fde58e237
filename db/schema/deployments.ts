// Publishing (P4, E5): which version each environment of a prompt serves, the history of every
// change to that, and Admin approvals for production.
//
// Postgres is written first and KV is a projection of `environments`, so KV can always be rebuilt
// from this table. Version pointers use (prompt_id, version_id) → prompt_versions (prompt_id, id):
// an environment can only serve a version of its own prompt. They have no ON DELETE action, so a
// version that is or was deployed cannot be deleted on its own, while deleting the whole prompt
// (which removes these rows in the same statement) still works.
import { relations, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  foreignKey,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { environmentEnum } from "./enums";
import { prompts } from "./prompts";
import { users } from "./users";
import { promptVersions, type ChatMessage, type PromptVariable } from "./versions";
import { workspaces } from "./workspaces";

export const deploymentActionEnum = pgEnum("deployment_action", ["publish", "promote", "rollback"]);
export type DeploymentAction = (typeof deploymentActionEnum.enumValues)[number];

/** How a deployment was cleared: no approval needed, or an approved approval request. */
export const deploymentApprovalEnum = pgEnum("deployment_approval", ["not_required", "approved"]);
export type DeploymentApproval = (typeof deploymentApprovalEnum.enumValues)[number];

export const approvalRequestStatusEnum = pgEnum("approval_request_status", [
  "pending",
  "approved",
  "rejected",
  "cancelled",
]);
export type ApprovalRequestStatus = (typeof approvalRequestStatusEnum.enumValues)[number];

/** A snippet version a deployment inlined. */
export type IncludePin = { slug: string; prompt_id: string; version_id: string; version: number };
/** A version's text with its includes inlined, and its variables with the snippets' added. */
export type ResolvedBody = { content: string | null; messages: ChatMessage[] | null; variables: PromptVariable[] };

/** One row per (prompt, environment) that has ever been published: the version it serves now. */
export const environments = pgTable(
  "environments",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    promptId: text("prompt_id").notNull(),
    environment: environmentEnum("environment").notNull(),
    versionId: text("version_id").notNull(),
    /** The deployment that set the current version. */
    deploymentId: text("deployment_id").references((): AnyPgColumn => deployments.id, {
      onDelete: "set null",
    }),
    updatedById: text("updated_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Edge-miss path: prompt (found by workspace + slug) + environment → version.
    primaryKey({ name: "environments_pk", columns: [t.promptId, t.environment] }),
    foreignKey({
      name: "environments_prompt_fk",
      columns: [t.workspaceId, t.promptId],
      foreignColumns: [prompts.workspaceId, prompts.id],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    foreignKey({
      name: "environments_version_fk",
      columns: [t.promptId, t.versionId],
      foreignColumns: [promptVersions.promptId, promptVersions.id],
    }),
    // Rebuilding a workspace's KV entries.
    index("environments_workspace_id_idx").on(t.workspaceId),
  ],
);

/** Append-only history: every publish, promote and rollback that changed an environment. */
export const deployments = pgTable(
  "deployments",
  {
    id: text("id").primaryKey(), // "dep_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    promptId: text("prompt_id").notNull(),
    environment: environmentEnum("environment").notNull(),
    action: deploymentActionEnum("action").notNull(),
    /** Null for the first deployment to this environment. */
    fromVersionId: text("from_version_id"),
    toVersionId: text("to_version_id").notNull(),
    /** Null when the actor's account was later deleted (S5). */
    actorUserId: text("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    approval: deploymentApprovalEnum("approval").notNull().default("not_required"),
    approvalRequestId: text("approval_request_id").references(() => approvalRequests.id, {
      onDelete: "set null",
    }),
    /** Why, e.g. the reason for a rollback. */
    note: text("note"),
    /**
     * Snippets: every prompt the deployed version includes (`{% include "slug" %}`, directly or
     * through another snippet), with the version of it that was inlined, served by the same
     * environment at the time of this deployment. Empty when the version includes nothing.
     */
    includes: jsonb("includes").$type<IncludePin[]>().notNull().default(sql`'[]'::jsonb`),
    /** The deployed text with its includes inlined (what KV serves); null when it includes nothing. */
    resolved: jsonb("resolved").$type<ResolvedBody>(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      name: "deployments_prompt_fk",
      columns: [t.workspaceId, t.promptId],
      foreignColumns: [prompts.workspaceId, prompts.id],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    foreignKey({
      name: "deployments_from_version_fk",
      columns: [t.promptId, t.fromVersionId],
      foreignColumns: [promptVersions.promptId, promptVersions.id],
    }),
    foreignKey({
      name: "deployments_to_version_fk",
      columns: [t.promptId, t.toVersionId],
      foreignColumns: [promptVersions.promptId, promptVersions.id],
    }),
    // Deployment history of a prompt, and "the previous deployment" for a rollback.
    index("deployments_history_idx").on(t.workspaceId, t.promptId, t.environment, t.createdAt),
    // Workspace-wide activity feed.
    index("deployments_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt),
    // Checked when a version is deleted (the version foreign keys have no index of their own).
    index("deployments_to_version_id_idx").on(t.toVersionId),
  ],
);

/** A request to publish a version to an environment that needs an Admin's approval first. */
export const approvalRequests = pgTable(
  "approval_requests",
  {
    id: text("id").primaryKey(), // "apr_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    promptId: text("prompt_id").notNull(),
    environment: environmentEnum("environment").notNull().default("production"),
    versionId: text("version_id").notNull(),
    status: approvalRequestStatusEnum("status").notNull().default("pending"),
    requestedById: text("requested_by_id").references(() => users.id, { onDelete: "set null" }),
    /** The requester's note. */
    comment: text("comment"),
    decidedById: text("decided_by_id").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamptz("decided_at"),
    /** The Admin's note on approval or rejection. */
    decisionNote: text("decision_note"),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      name: "approval_requests_prompt_fk",
      columns: [t.workspaceId, t.promptId],
      foreignColumns: [prompts.workspaceId, prompts.id],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    foreignKey({
      name: "approval_requests_version_fk",
      columns: [t.promptId, t.versionId],
      foreignColumns: [promptVersions.promptId, promptVersions.id],
    }),
    // One open request per prompt and environment; a new one supersedes by cancelling the old.
    uniqueIndex("approval_requests_pending_unique")
      .on(t.promptId, t.environment)
      .where(sql`${t.status} = 'pending'`),
    // The Admins' inbox: pending requests of a workspace, oldest first.
    index("approval_requests_workspace_id_status_created_at_idx").on(t.workspaceId, t.status, t.createdAt),
  ],
);

export const environmentsRelations = relations(environments, ({ one }) => ({
  workspace: one(workspaces, { fields: [environments.workspaceId], references: [workspaces.id] }),
  prompt: one(prompts, { fields: [environments.promptId], references: [prompts.id] }),
  version: one(promptVersions, { fields: [environments.versionId], references: [promptVersions.id] }),
  deployment: one(deployments, { fields: [environments.deploymentId], references: [deployments.id] }),
}));

export const deploymentsRelations = relations(deployments, ({ one }) => ({
  workspace: one(workspaces, { fields: [deployments.workspaceId], references: [workspaces.id] }),
  prompt: one(prompts, { fields: [deployments.promptId], references: [prompts.id] }),
  fromVersion: one(promptVersions, {
    fields: [deployments.fromVersionId],
    references: [promptVersions.id],
    relationName: "deployment_from_version",
  }),
  toVersion: one(promptVersions, {
    fields: [deployments.toVersionId],
    references: [promptVersions.id],
    relationName: "deployment_to_version",
  }),
  actor: one(users, { fields: [deployments.actorUserId], references: [users.id] }),
  approvalRequest: one(approvalRequests, {
    fields: [deployments.approvalRequestId],
    references: [approvalRequests.id],
  }),
}));

export const approvalRequestsRelations = relations(approvalRequests, ({ one }) => ({
  workspace: one(workspaces, { fields: [approvalRequests.workspaceId], references: [workspaces.id] }),
  prompt: one(prompts, { fields: [approvalRequests.promptId], references: [prompts.id] }),
  version: one(promptVersions, { fields: [approvalRequests.versionId], references: [promptVersions.id] }),
  requestedBy: one(users, {
    fields: [approvalRequests.requestedById],
    references: [users.id],
    relationName: "approval_requester",
  }),
  decidedBy: one(users, {
    fields: [approvalRequests.decidedById],
    references: [users.id],
    relationName: "approval_decider",
  }),
}));

export type EnvironmentPointer = typeof environments.$inferSelect;
export type NewEnvironmentPointer = typeof environments.$inferInsert;
export type Deployment = typeof deployments.$inferSelect;
export type NewDeployment = typeof deployments.$inferInsert;
export type ApprovalRequest = typeof approvalRequests.$inferSelect;
export type NewApprovalRequest = typeof approvalRequests.$inferInsert;
