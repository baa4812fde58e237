// Accounts and sign-in (S1): users, rotating refresh tokens, linked OAuth identities, e-mailed account tokens.
// Users are global, not workspace-owned; membership lives in workspaces.ts.
import { relations, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  index,
  pgEnum,
  pgTable,
  text,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { workspaceMembers } from "./workspaces";

export const oauthProviderEnum = pgEnum("oauth_provider", ["google"]);

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(), // "usr_…"
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** Null for accounts that only ever signed in with OAuth (or whose password a verified owner removed). */
    passwordHash: text("password_hash"),
    /**
     * When the owner of the address proved it: the verification e-mail's link, a password reset
     * by e-mail, or a Google identity whose address Google verified. Null until then.
     */
    emailVerifiedAt: timestamptz("email_verified_at"),
    /** Platform operator: may use /api/admin/* (S4). Unrelated to workspace roles. */
    isPlatformAdmin: boolean("is_platform_admin").notNull().default(false),
    /** Set by the admin console; a disabled user can neither sign in nor refresh. */
    disabledAt: timestamptz("disabled_at"),
    lastLoginAt: timestamptz("last_login_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Case-insensitive uniqueness; look users up with `lower(email) = lower($1)` to use it.
    uniqueIndex("users_email_lower_unique").on(sql`lower(${t.email})`),
  ],
);

/**
 * One row per issued refresh token; only the SHA-256 of the token is stored. Rotation revokes
 * the presented token and issues a new one in the same family; presenting an already-revoked
 * token means it leaked, and the service revokes the whole family.
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(), // "rt_…"
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    familyId: text("family_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    revokedAt: timestamptz("revoked_at"),
    /** The token that replaced this one on rotation. */
    replacedById: text("replaced_by_id").references((): AnyPgColumn => refreshTokens.id, {
      onDelete: "set null",
    }),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [
    unique("refresh_tokens_token_hash_unique").on(t.tokenHash),
    index("refresh_tokens_user_id_idx").on(t.userId),
    index("refresh_tokens_family_id_idx").on(t.familyId),
  ],
);

export const accountTokenPurposeEnum = pgEnum("account_token_purpose", ["verify_email", "reset_password"]);
export type AccountTokenPurpose = (typeof accountTokenPurposeEnum.enumValues)[number];

/**
 * Single-use tokens sent by e-mail (address verification, password reset); only the SHA-256 of
 * the token is stored. Issuing a token deletes the user's earlier unused ones of that purpose,
 * so only the newest link works. `email` is the address the link went to: using it proves that
 * address, and only while it is still the account's.
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    id: text("id").primaryKey(), // "atk_…"
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: accountTokenPurposeEnum("purpose").notNull(),
    tokenHash: text("token_hash").notNull(),
    email: text("email").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    usedAt: timestamptz("used_at"),
    createdAt: createdAt(),
  },
  (t) => [unique("account_tokens_token_hash_unique").on(t.tokenHash), index("account_tokens_user_id_idx").on(t.userId)],
);

/** An external identity (Google `sub`) linked to a user. */
export const oauthAccounts = pgTable(
  "oauth_accounts",
  {
    id: text("id").primaryKey(), // "oa_…"
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: oauthProviderEnum("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    /** The e-mail the provider reported when the account was linked. */
    email: text("email"),
    createdAt: createdAt(),
  },
  (t) => [
    unique("oauth_accounts_provider_account_unique").on(t.provider, t.providerAccountId),
    index("oauth_accounts_user_id_idx").on(t.userId),
  ],
);

export const usersRelations = relations(users, ({ many }) => ({
  memberships: many(workspaceMembers),
  refreshTokens: many(refreshTokens),
  oauthAccounts: many(oauthAccounts),
  accountTokens: many(accountTokens),
}));

export const accountTokensRelations = relations(accountTokens, ({ one }) => ({
  user: one(users, { fields: [accountTokens.userId], references: [users.id] }),
}));

export const refreshTokensRelations = relations(refreshTokens, ({ one }) => ({
  user: one(users, { fields: [refreshTokens.userId], references: [users.id] }),
}));

export const oauthAccountsRelations = relations(oauthAccounts, ({ one }) => ({
  user: one(users, { fields: [oauthAccounts.userId], references: [users.id] }),
}));

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type RefreshToken = typeof refreshTokens.$inferSelect;
export type NewRefreshToken = typeof refreshTokens.$inferInsert;
export type AccountToken = typeof accountTokens.$inferSelect;
export type OauthAccount = typeof oauthAccounts.$inferSelect;
export type NewOauthAccount = typeof oauthAccounts.$inferInsert;
