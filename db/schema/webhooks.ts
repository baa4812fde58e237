// Webhooks (S7, issue #18): endpoints a workspace has notified of its changes with a signed
// request (Standard Webhooks), the outbox of events recorded in the transaction of the change
// they report, one delivery per event and endpoint (sent through QStash, which retries), and
// every attempt of a delivery.
import { relations, sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const webhookDeliveryStatusEnum = pgEnum("webhook_delivery_status", ["pending", "succeeded", "failed"]);
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatusEnum.enumValues)[number];

/** "standard": the Standard Webhooks JSON body; "slack": a Slack incoming webhook's message. */
export const webhookKindEnum = pgEnum("webhook_kind", ["standard", "slack"]);
export type WebhookKind = (typeof webhookKindEnum.enumValues)[number];

export const webhooks = pgTable(
  "webhooks",
  {
    id: text("id").primaryKey(), // "wh_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    kind: webhookKindEnum("kind").notNull().default("standard"),
    description: text("description"),
    /**
     * The signing secret, encrypted like provider keys (AES-GCM, base64) rather than hashed,
     * because every delivery needs the plaintext to sign.
     */
    secretCiphertext: text("secret_ciphertext").notNull(),
    secretIv: text("secret_iv").notNull(),
    encryptionKeyId: text("encryption_key_id").notNull(),
    /**
     * The secret a rotation replaced, kept (encrypted the same way) until previous_secret_expires_at:
     * during that overlap every delivery carries a signature with each, so receivers can switch
     * secrets without refusing a delivery.
     */
    previousSecretCiphertext: text("previous_secret_ciphertext"),
    previousSecretIv: text("previous_secret_iv"),
    previousEncryptionKeyId: text("previous_encryption_key_id"),
    previousSecretExpiresAt: timestamptz("previous_secret_expires_at"),
    /** Event types delivered, e.g. {"version.published","version.rolled_back"}. */
    events: text("events").array().notNull(),
    active: boolean("active").notNull().default(true),
    /** Deliveries that failed in a row (every retry spent); reset by a success. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    /** Why the endpoint stopped being delivered to by itself (null when active, or turned off by hand). */
    disabledReason: text("disabled_reason"),
    disabledAt: timestamptz("disabled_at"),
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("webhooks_workspace_id_idx").on(t.workspaceId)],
);

/**
 * The outbox: one row per event, inserted in the transaction of the change it reports, so it
 * exists exactly when that change committed. A dispatcher fans undispatched rows out into
 * deliveries (right after the request, and from the scheduled job as a sweep).
 */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: text("id").primaryKey(), // "msg_…", the Standard Webhooks webhook-id of every delivery of it
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    dispatchedAt: timestamptz("dispatched_at"),
  },
  (t) => [
    // The dispatcher's scan: only the rows not yet dispatched.
    index("webhook_events_undispatched_idx").on(t.createdAt).where(sql`${t.dispatchedAt} is null`),
    index("webhook_events_workspace_id_idx").on(t.workspaceId),
  ],
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
    /** The outbox row delivered (its id is the webhook-id header). */
    eventId: text("event_id").references(() => webhookEvents.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    /** The body sent, `{type, timestamp, data}` (a Slack endpoint gets its message built from it). */
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
    index("webhook_deliveries_event_id_idx").on(t.eventId),
    // The sweep's scan: deliveries QStash never took.
    index("webhook_deliveries_unqueued_idx").on(t.createdAt).where(sql`${t.qstashMessageId} is null and ${t.status} = 'pending'`),
  ],
);

/** One row per attempt of a delivery: what the endpoint answered, how fast, or why it failed. */
export const webhookDeliveryAttempts = pgTable(
  "webhook_delivery_attempts",
  {
    id: text("id").primaryKey(), // "wha_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    succeeded: boolean("succeeded").notNull(),
    responseStatus: integer("response_status"),
    latencyMs: integer("latency_ms").notNull(),
    /** At most 1 KB of the answer's body. */
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_delivery_attempts_delivery_id_idx").on(t.deliveryId, t.createdAt)],
);

export const webhooksRelations = relations(webhooks, ({ one, many }) => ({
  workspace: one(workspaces, { fields: [webhooks.workspaceId], references: [workspaces.id] }),
  deliveries: many(webhookDeliveries),
}));

export const webhookDeliveriesRelations = relations(webhookDeliveries, ({ one, many }) => ({
  workspace: one(workspaces, { fields: [webhookDeliveries.workspaceId], references: [workspaces.id] }),
  webhook: one(webhooks, { fields: [webhookDeliveries.webhookId], references: [webhooks.id] }),
  attemptLog: many(webhookDeliveryAttempts),
}));

export const webhookDeliveryAttemptsRelations = relations(webhookDeliveryAttempts, ({ one }) => ({
  delivery: one(webhookDeliveries, { fields: [webhookDeliveryAttempts.deliveryId], references: [webhookDeliveries.id] }),
}));

export type Webhook = typeof webhooks.$inferSelect;
export type NewWebhook = typeof webhooks.$inferInsert;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type NewWebhookDelivery = typeof webhookDeliveries.$inferInsert;
export type WebhookDeliveryAttempt = typeof webhookDeliveryAttempts.$inferSelect;
