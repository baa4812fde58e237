// Limits and quotas (E3, S4): platform-wide defaults set in the admin console, overridden per
// workspace or per user. The effective limit is the most specific row; rate limits are enforced
// in Upstash with these numbers, quotas against the usage tables.
import { relations, sql } from "drizzle-orm";
import { bigint, check, pgEnum, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { updatedAt } from "./columns";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const limitNameEnum = pgEnum("limit_name", [
  "api_key_requests_per_minute",
  "workspace_requests_per_minute",
  "workspace_requests_per_month",
  "workspace_events_per_month",
  "llm_requests_per_day",
  "llm_cost_micros_per_month",
  "prompts_per_workspace",
  "members_per_workspace",
  "workspaces_per_user",
  "api_key_events_per_minute",
  "workspace_events_per_minute",
]);
export type LimitName = (typeof limitNameEnum.enumValues)[number];

export const globalLimits = pgTable(
  "global_limits",
  {
    name: limitNameEnum("name").primaryKey(),
    value: bigint("value", { mode: "number" }).notNull(),
    updatedById: text("updated_by_id").references(() => users.id, { onDelete: "set null" }),
    updatedAt: updatedAt(),
  },
  (t) => [check("global_limits_value_not_negative", sql`${t.value} >= 0`)],
);

export const workspaceLimits = pgTable(
  "workspace_limits",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: limitNameEnum("name").notNull(),
    /** Null exempts the workspace from this limit. */
    value: bigint("value", { mode: "number" }),
    updatedById: text("updated_by_id").references(() => users.id, { onDelete: "set null" }),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "workspace_limits_pk", columns: [t.workspaceId, t.name] }),
    check("workspace_limits_value_not_negative", sql`${t.value} >= 0`),
  ],
);

export const userLimits = pgTable(
  "user_limits",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: limitNameEnum("name").notNull(),
    /** Null exempts the user from this limit. */
    value: bigint("value", { mode: "number" }),
    updatedById: text("updated_by_id").references(() => users.id, { onDelete: "set null" }),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "user_limits_pk", columns: [t.userId, t.name] }),
    check("user_limits_value_not_negative", sql`${t.value} >= 0`),
  ],
);

export const workspaceLimitsRelations = relations(workspaceLimits, ({ one }) => ({
  workspace: one(workspaces, { fields: [workspaceLimits.workspaceId], references: [workspaces.id] }),
}));

export const userLimitsRelations = relations(userLimits, ({ one }) => ({
  user: one(users, { fields: [userLimits.userId], references: [users.id] }),
}));

export type GlobalLimit = typeof globalLimits.$inferSelect;
export type NewGlobalLimit = typeof globalLimits.$inferInsert;
export type WorkspaceLimit = typeof workspaceLimits.$inferSelect;
export type NewWorkspaceLimit = typeof workspaceLimits.$inferInsert;
export type UserLimit = typeof userLimits.$inferSelect;
export type NewUserLimit = typeof userLimits.$inferInsert;
