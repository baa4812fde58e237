// Audit log (S3): who changed what, with the row before and after, and when. Written by the
// services in the same transaction as the change. Rows are never updated.
import { relations, sql } from "drizzle-orm";
import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const auditLog = pgTable(
  "audit_log",
  {
    id: text("id").primaryKey(), // "aud_…"
    /** Null for platform-level actions of the admin console (S4), which belong to no workspace. */
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    /** Null for actions of the system (scheduled jobs) and once the actor's account is erased. */
    actorUserId: text("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    /** Dotted verb, e.g. "prompt.update", "version.publish", "api_key.revoke". */
    action: text("action").notNull(),
    /** The kind of object changed, e.g. "prompt", and its id. */
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    before: jsonb("before").$type<Record<string, unknown>>(),
    after: jsonb("after").$type<Record<string, unknown>>(),
    /** The request id of the API call, to find its log line. */
    requestId: text("request_id"),
    createdAt: createdAt(),
  },
  (t) => [
    // The workspace's audit log page, newest first. Like every "newest first" index here it is
    // ascending: Postgres reads it backwards for ORDER BY created_at DESC, whereas the
    // DESC NULLS LAST that drizzle-kit emits for .desc() cannot serve that ORDER BY.
    index("audit_log_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt),
    // The history of one object.
    index("audit_log_workspace_id_target_idx").on(t.workspaceId, t.targetType, t.targetId, t.createdAt),
    // A user's actions (GDPR export, S5) and the FK's SET NULL on erasure.
    index("audit_log_actor_user_id_created_at_idx").on(t.actorUserId, t.createdAt),
    // The admin console's log of platform-level actions.
    index("audit_log_platform_created_at_idx")
      .on(t.createdAt)
      .where(sql`${t.workspaceId} is null`),
  ],
);

export const auditLogRelations = relations(auditLog, ({ one }) => ({
  workspace: one(workspaces, { fields: [auditLog.workspaceId], references: [workspaces.id] }),
  actor: one(users, { fields: [auditLog.actorUserId], references: [users.id] }),
}));

export type AuditLogEntry = typeof auditLog.$inferSelect;
export type NewAuditLogEntry = typeof auditLog.$inferInsert;
