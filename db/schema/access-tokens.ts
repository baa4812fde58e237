// Access tokens for the management API (prompts as code, issue #16): what the CLI, CI and MCP
// clients send instead of a 15-minute session. A token acts for its creator in one workspace,
// within the creator's current role and only through its scopes. Like API keys, only the SHA-256
// (hex) of the token is stored; the token itself exists only in the answer that created it.
import { relations } from "drizzle-orm";
import { index, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, timestamptz } from "./columns";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const accessTokens = pgTable(
  "access_tokens",
  {
    id: text("id").primaryKey(), // "at_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The member the token acts for; a token outlives nobody: deleting the user deletes their tokens. */
    createdById: text("created_by_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Names from ACCESS_TOKEN_SCOPES (workers/api/src/permissions.ts, the one list); text[] so adding one needs no migration. */
    scopes: text("scopes").array().notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The first characters of the token, shown in lists so people can tell tokens apart. */
    tokenPrefix: text("token_prefix").notNull(),
    expiresAt: timestamptz("expires_at"),
    /** Written at most about once a minute per token by `authenticate`. */
    lastUsedAt: timestamptz("last_used_at"),
    revokedAt: timestamptz("revoked_at"),
    revokedById: text("revoked_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    // Every authenticated request: token hash → token.
    unique("access_tokens_token_hash_unique").on(t.tokenHash),
    // The tokens page and the live-token limit: a workspace's tokens, per creator.
    index("access_tokens_workspace_id_created_by_id_idx").on(t.workspaceId, t.createdById),
  ],
);

export const accessTokensRelations = relations(accessTokens, ({ one }) => ({
  workspace: one(workspaces, { fields: [accessTokens.workspaceId], references: [workspaces.id] }),
  createdBy: one(users, { fields: [accessTokens.createdById], references: [users.id] }),
}));

export type AccessToken = typeof accessTokens.$inferSelect;
