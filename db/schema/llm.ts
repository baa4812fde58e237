// LLM providers (L1–L4): provider API keys encrypted at rest with AES-GCM, and a record of every
// model call the playground makes (tokens, cost, latency, failover).
import { relations, sql } from "drizzle-orm";
import { bigint, check, index, integer, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const llmProviderEnum = pgEnum("llm_provider", ["openai", "anthropic", "google"]);
export type LlmProvider = (typeof llmProviderEnum.enumValues)[number];

export const llmCallStatusEnum = pgEnum("llm_call_status", ["success", "error"]);
export type LlmCallStatus = (typeof llmCallStatusEnum.enumValues)[number];

/**
 * A provider key of a workspace (shared by its members) or of one user (follows them to every
 * workspace): exactly one of workspace_id and user_id is set, and each owner has at most one key
 * per provider. Only the ciphertext is stored; key_suffix lets users recognise the key.
 */
export const llmProviderKeys = pgTable(
  "llm_provider_keys",
  {
    id: text("id").primaryKey(), // "llmk_…"
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    provider: llmProviderEnum("provider").notNull(),
    /** Base64 of the AES-GCM ciphertext (with its tag). */
    ciphertext: text("ciphertext").notNull(),
    /** Base64 of the 12-byte nonce. */
    iv: text("iv").notNull(),
    /** Which master key encrypted it, so master keys can be rotated. */
    encryptionKeyId: text("encryption_key_id").notNull(),
    /** The last characters of the plaintext key, e.g. "…x7Qa". */
    keySuffix: text("key_suffix").notNull(),
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    lastUsedAt: timestamptz("last_used_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("llm_provider_keys_one_owner", sql`num_nonnulls(${t.workspaceId}, ${t.userId}) = 1`),
    uniqueIndex("llm_provider_keys_workspace_provider_unique")
      .on(t.workspaceId, t.provider)
      .where(sql`${t.workspaceId} is not null`),
    uniqueIndex("llm_provider_keys_user_provider_unique")
      .on(t.userId, t.provider)
      .where(sql`${t.userId} is not null`),
  ],
);

/**
 * One row per model call. When a call fails over (L4), the failed attempt has its own row with
 * status "error", and the retry names the provider it fell back from.
 * prompt_id and version_id are plain references, so usage and cost survive a deleted prompt.
 */
export const llmUsage = pgTable(
  "llm_usage",
  {
    id: text("id").primaryKey(), // "llmu_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Null once the user's account is erased (S5); the cost still counts for the workspace. */
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    promptId: text("prompt_id"),
    versionId: text("version_id"),
    provider: llmProviderEnum("provider").notNull(),
    model: text("model").notNull(),
    /** The key used; a plain reference so that deleting a key keeps its history. */
    providerKeyId: text("provider_key_id"),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    /** Input tokens served from the provider's prompt cache (billed at a lower price). */
    tokensCached: integer("tokens_cached").notNull().default(0),
    costMicros: bigint("cost_micros", { mode: "number" }).notNull().default(0),
    latencyMs: integer("latency_ms").notNull(),
    status: llmCallStatusEnum("status").notNull(),
    errorCode: text("error_code"),
    fallbackFrom: llmProviderEnum("fallback_from"),
    createdAt: createdAt(),
  },
  (t) => [
    // Cost and usage dashboards (by provider, by model) over a time range.
    index("llm_usage_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt),
    // Per-user limits (llm_requests_per_day), GDPR export and the FK's SET NULL on erasure.
    index("llm_usage_user_id_created_at_idx").on(t.userId, t.createdAt),
  ],
);

export const llmProviderKeysRelations = relations(llmProviderKeys, ({ one }) => ({
  workspace: one(workspaces, { fields: [llmProviderKeys.workspaceId], references: [workspaces.id] }),
  user: one(users, { fields: [llmProviderKeys.userId], references: [users.id] }),
}));

export const llmUsageRelations = relations(llmUsage, ({ one }) => ({
  workspace: one(workspaces, { fields: [llmUsage.workspaceId], references: [workspaces.id] }),
  user: one(users, { fields: [llmUsage.userId], references: [users.id] }),
}));

export type LlmProviderKey = typeof llmProviderKeys.$inferSelect;
export type NewLlmProviderKey = typeof llmProviderKeys.$inferInsert;
export type LlmUsage = typeof llmUsage.$inferSelect;
export type NewLlmUsage = typeof llmUsage.$inferInsert;
