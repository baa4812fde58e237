// Product API keys (E2). The key is shown once; only its SHA-256 (hex) is stored. The edge looks
// keys up by hash in KV and, on a miss, the API worker reads them here by key_hash.
import { relations, sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, timestamptz } from "./columns";
import { environmentEnum } from "./enums";
import { users } from "./users";
import { workspaces } from "./workspaces";

/** Scopes a key can carry; stored as text[] so adding one needs no migration. */
export const apiKeyScopes = ["prompts:read", "events:write"] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(), // "key_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the key, shown in lists so users can tell keys apart. */
    prefix: text("prefix").notNull(),
    scopes: text("scopes").array().$type<ApiKeyScope[]>().notNull(),
    /** When set, the key may only read prompts of this environment. */
    environment: environmentEnum("environment"),
    expiresAt: timestamptz("expires_at"),
    revokedAt: timestamptz("revoked_at"),
    /** Approximate: written in batches by the queue consumer from exposures, not per request. */
    lastUsedAt: timestamptz("last_used_at"),
    /** The key's own rate limit (E3): `rate_limit_requests` per `rate_limit_window_seconds`, for each kind of Product API call; null: the workspace's. */
    rateLimitRequests: integer("rate_limit_requests"),
    rateLimitWindowSeconds: integer("rate_limit_window_seconds"),
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    // Edge-miss path: key hash → key.
    unique("api_keys_key_hash_unique").on(t.keyHash),
    index("api_keys_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt),
    check("api_keys_rate_limit_pair", sql`(${t.rateLimitRequests} is null) = (${t.rateLimitWindowSeconds} is null)`),
    check("api_keys_rate_limit_positive", sql`${t.rateLimitRequests} > 0 and ${t.rateLimitWindowSeconds} > 0`),
  ],
);

export const apiKeysRelations = relations(apiKeys, ({ one }) => ({
  workspace: one(workspaces, { fields: [apiKeys.workspaceId], references: [workspaces.id] }),
  createdBy: one(users, { fields: [apiKeys.createdById], references: [users.id] }),
}));

export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
