// Tenancy (P1, S2): workspaces, their members with roles, and e-mail invitations.
// Every other workspace-owned table references workspaces.id with ON DELETE CASCADE, so deleting
// a workspace removes everything in it.
import { relations, sql } from "drizzle-orm";
import { boolean, index, pgEnum, pgTable, primaryKey, text, unique, uniqueIndex } from "drizzle-orm/pg-core";
import { apiKeys } from "./api-keys";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { eventDefinitions } from "./events";
import { experiments } from "./experiments";
import { prompts, tags } from "./prompts";
import { users } from "./users";
import { webhooks } from "./webhooks";

/** Viewer reads only; only Admins manage members, keys, limits and approvals. */
export const workspaceRoleEnum = pgEnum("workspace_role", ["admin", "member", "viewer"]);
export type WorkspaceRole = (typeof workspaceRoleEnum.enumValues)[number];

export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(), // "ws_…"
  name: text("name").notNull(),
  /**
   * The owner cannot be deleted while they own the workspace (no ON DELETE action): ownership
   * is transferred, or the workspace deleted, before a user's data is erased (S5).
   */
  ownerId: text("owner_id")
    .notNull()
    .references(() => users.id),
  /** When true, publishing to production waits for an Admin's approval (P4). */
  requireProductionApproval: boolean("require_production_approval").notNull().default(false),
  /**
   * Set when an Admin deletes the workspace: from then on it answers 404 to everyone and its keys
   * no longer authenticate, while a background job removes its rows (the row itself goes last).
   */
  deletedAt: timestamptz("deleted_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const workspaceMembers = pgTable(
  "workspace_members",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: workspaceRoleEnum("role").notNull().default("member"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "workspace_members_pk", columns: [t.workspaceId, t.userId] }),
    // "My workspaces" for the signed-in user.
    index("workspace_members_user_id_idx").on(t.userId),
  ],
);

/**
 * An invitation by e-mail link. Only the SHA-256 of the link's token is stored. At most one
 * pending (neither accepted nor revoked) invitation per e-mail per workspace; an expired one
 * still counts as pending until it is revoked or replaced, because a partial index cannot
 * compare with now().
 */
export const workspaceInvitations = pgTable(
  "workspace_invitations",
  {
    id: text("id").primaryKey(), // "inv_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: workspaceRoleEnum("role").notNull().default("member"),
    tokenHash: text("token_hash").notNull(),
    invitedById: text("invited_by_id").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamptz("expires_at").notNull(),
    acceptedAt: timestamptz("accepted_at"),
    acceptedById: text("accepted_by_id").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamptz("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    unique("workspace_invitations_token_hash_unique").on(t.tokenHash),
    uniqueIndex("workspace_invitations_pending_email_unique")
      .on(t.workspaceId, sql`lower(${t.email})`)
      .where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    index("workspace_invitations_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt),
  ],
);

export const workspacesRelations = relations(workspaces, ({ one, many }) => ({
  owner: one(users, { fields: [workspaces.ownerId], references: [users.id] }),
  members: many(workspaceMembers),
  invitations: many(workspaceInvitations),
  prompts: many(prompts),
  tags: many(tags),
  apiKeys: many(apiKeys),
  eventDefinitions: many(eventDefinitions),
  experiments: many(experiments),
  webhooks: many(webhooks),
}));

export const workspaceMembersRelations = relations(workspaceMembers, ({ one }) => ({
  workspace: one(workspaces, { fields: [workspaceMembers.workspaceId], references: [workspaces.id] }),
  user: one(users, { fields: [workspaceMembers.userId], references: [users.id] }),
}));

export const workspaceInvitationsRelations = relations(workspaceInvitations, ({ one }) => ({
  workspace: one(workspaces, { fields: [workspaceInvitations.workspaceId], references: [workspaces.id] }),
  invitedBy: one(users, { fields: [workspaceInvitations.invitedById], references: [users.id] }),
}));

export type Workspace = typeof workspaces.$inferSelect;
export type NewWorkspace = typeof workspaces.$inferInsert;
export type WorkspaceMember = typeof workspaceMembers.$inferSelect;
export type NewWorkspaceMember = typeof workspaceMembers.$inferInsert;
export type WorkspaceInvitation = typeof workspaceInvitations.$inferSelect;
export type NewWorkspaceInvitation = typeof workspaceInvitations.$inferInsert;
