// Webhooks (S7): endpoints notified of publish and rollback with a signed request, and the log
// of their deliveries (sent through QStash, which retries).
import { relations } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const webhookDeliveryStatusEnum = pgEnum("webhook_delivery_status", ["pending", "succeeded", "failed"]);
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatusEnum.enumValues)[number];

export const webhooks = pgTable(
  "webhooks",
  {
    id: text("id").primaryKey(), // "wh_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description"),
    /**
     * The signing secret, encrypted like provider keys (AES-GCM, base64) rather than hashed,
     * because every delivery needs the plaintext to sign.
     */
    secretCiphertext: text("secret_ciphertext").notNull(),
    secretIv: text("secret_iv").notNull(),
    encryptionKeyId: text("encryption_key_id").notNull(),
    /** Event types delivered, e.g. {"prompt.published","prompt.rolled_back"}. */
    events: text("events").array().notNull(),
    active: boolean("active").notNull().default(true),
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("webhooks_workspace_id_idx").on(t.workspaceId)],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(), // "whd_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: webhookDeliveryStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    qstashMessageId: text("qstash_message_id"),
    responseStatus: integer("response_status"),
    /** The error or the start of the response body of the last attempt. */
    lastError: text("last_error"),
    lastAttemptAt: timestamptz("last_attempt_at"),
    deliveredAt: timestamptz("delivered_at"),
    createdAt: createdAt(),
  },
  (t) => [
    // A webhook's recent deliveries (and the FK's cascade).
    index("webhook_deliveries_webhook_id_created_at_idx").on(t.webhookId, t.createdAt),
    index("webhook_deliveries_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt),
  ],
);

export const webhooksRelations = relations(webhooks, ({ one, many }) => ({
  workspace: one(workspaces, { fields: [webhooks.workspaceId], references: [workspaces.id] }),
  deliveries: many(webhookDeliveries),
}));

export const webhookDeliveriesRelations = relations(webhookDeliveries, ({ one }) => ({
  workspace: one(workspaces, { fields: [webhookDeliveries.workspaceId], references: [workspaces.id] }),
  webhook: one(webhooks, { fields: [webhookDeliveries.webhookId], references: [webhooks.id] }),
}));

export type Webhook = typeof webhooks.$inferSelect;
export type NewWebhook = typeof webhooks.$inferInsert;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type NewWebhookDelivery = typeof webhookDeliveries.$inferInsert;
