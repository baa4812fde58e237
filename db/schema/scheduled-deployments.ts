// Scheduled publishing (issue #18): a publish or rollback of a prompt's environment at a given
// time, carried out by a delayed QStash message to POST /api/jobs/scheduled-deployment. The row
// is the source of truth: the job deploys only while the row says "scheduled", and moves it on
// in the deployment's own transaction, so a cancelled, already-run or redelivered schedule does
// nothing.
import { relations, sql } from "drizzle-orm";
import { foreignKey, index, jsonb, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { environmentEnum } from "./enums";
import { prompts } from "./prompts";
import { users } from "./users";
import { promptVersions } from "./versions";
import { workspaces } from "./workspaces";

export const scheduledDeploymentActionEnum = pgEnum("scheduled_deployment_action", ["publish", "rollback"]);
export type ScheduledDeploymentAction = (typeof scheduledDeploymentActionEnum.enumValues)[number];

/**
 * scheduled: waiting for its time; done: deployed; awaiting_approval: ran, and the workspace's
 * approval rule turned it into an approval request (an Admin's approval deploys it); failed: ran
 * and could not deploy (the reason is in `error`); cancelled: cancelled before it ran.
 */
export const scheduledDeploymentStatusEnum = pgEnum("scheduled_deployment_status", ["scheduled", "done", "cancelled", "failed", "awaiting_approval"]);
export type ScheduledDeploymentStatus = (typeof scheduledDeploymentStatusEnum.enumValues)[number];

/** What running a schedule did: the deployment or the approval request it made. */
export type ScheduledDeploymentOutcome = { deployment_id: string; to_version_id: string; version: number } | { approval_request_id: string };

export const scheduledDeployments = pgTable(
  "scheduled_deployments",
  {
    id: text("id").primaryKey(), // "sdep_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    promptId: text("prompt_id").notNull(),
    /** The version to publish, or to roll back to; null for a rollback to what served before. */
    versionId: text("version_id"),
    environment: environmentEnum("environment").notNull(),
    action: scheduledDeploymentActionEnum("action").notNull(),
    runAt: timestamptz("run_at").notNull(),
    status: scheduledDeploymentStatusEnum("status").notNull().default("scheduled"),
    /** The schedule runs as this member, with their role at run time; null once the account is gone (it then fails). */
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    /** Set when an access token scheduled it: its scopes then bound the run as they bound the request. */
    createdWithScopes: text("created_with_scopes").array(),
    note: text("note"),
    qstashMessageId: text("qstash_message_id"),
    outcome: jsonb("outcome").$type<ScheduledDeploymentOutcome>(),
    error: text("error"),
    cancelledById: text("cancelled_by_id").references(() => users.id, { onDelete: "set null" }),
    ranAt: timestamptz("ran_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ name: "scheduled_deployments_prompt_fk", columns: [t.workspaceId, t.promptId], foreignColumns: [prompts.workspaceId, prompts.id] })
      .onDelete("cascade")
      .onUpdate("cascade"),
    // Deleting a version that a schedule names deletes the schedule with it (nothing left to deploy).
    foreignKey({ name: "scheduled_deployments_version_fk", columns: [t.promptId, t.versionId], foreignColumns: [promptVersions.promptId, promptVersions.id] }).onDelete("cascade"),
    // A prompt's schedules, newest run time first (the deployment panel).
    index("scheduled_deployments_prompt_idx").on(t.workspaceId, t.promptId, t.runAt),
    // The per-workspace limit on pending schedules.
    index("scheduled_deployments_pending_idx").on(t.workspaceId).where(sql`${t.status} = 'scheduled'`),
    index("scheduled_deployments_version_id_idx").on(t.versionId),
  ],
);

export const scheduledDeploymentsRelations = relations(scheduledDeployments, ({ one }) => ({
  workspace: one(workspaces, { fields: [scheduledDeployments.workspaceId], references: [workspaces.id] }),
  prompt: one(prompts, { fields: [scheduledDeployments.promptId], references: [prompts.id] }),
}));

export type ScheduledDeployment = typeof scheduledDeployments.$inferSelect;
export type NewScheduledDeployment = typeof scheduledDeployments.$inferInsert;
