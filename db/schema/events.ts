// Business events (E4, A3–A5): their definitions, and the events apps send tagged with the
// trace_id of a prompt fetch.
//
// Ingestion is idempotent through the primary key (workspace_id, event_id): retries and queue
// redeliveries insert with ON CONFLICT DO NOTHING, so an event is never counted twice. Attribution
// (prompt, version, variant) is copied from the exposure with the same trace_id; it stays null
// while that exposure has not arrived yet (both travel through queues), and is filled in later.
// Like exposures, only workspace_id is a foreign key (see exposures.ts for why); the attribution
// survives deletion of the prompt, because the business event still happened.
import { relations, sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, unique } from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { prompts } from "./prompts";
import { users } from "./users";
import { promptVersions } from "./versions";
import { workspaces } from "./workspaces";

export type EventFieldDefinition = { name: string; type: "string" | "number" | "boolean" };
export type EventFieldValue = string | number | boolean | null;

export const eventDefinitions = pgTable(
  "event_definitions",
  {
    id: text("id").primaryKey(), // "evd_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    eventName: text("event_name").notNull(),
    /** Free-form grouping such as "conversion" or "engagement". */
    category: text("category").notNull(),
    description: text("description"),
    requiredFields: jsonb("required_fields")
      .$type<EventFieldDefinition[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    optionalFields: jsonb("optional_fields")
      .$type<EventFieldDefinition[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("event_definitions_workspace_id_event_name_unique").on(t.workspaceId, t.eventName)],
);

export const events = pgTable(
  "events",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The client's event_id when it sent one, otherwise generated on receipt ("evt_…"). */
    eventId: text("event_id").notNull(),
    traceId: text("trace_id").notNull(),
    eventName: text("event_name").notNull(),
    category: text("category"),
    fields: jsonb("fields")
      .$type<Record<string, EventFieldValue>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** The client's timestamp, or the time of receipt when it sent none. */
    occurredAt: timestamptz("occurred_at").notNull(),
    receivedAt: timestamptz("received_at").notNull().defaultNow(),
    // Attribution, copied from the exposure with the same trace_id.
    promptId: text("prompt_id"),
    versionId: text("version_id"),
    variant: text("variant"),
  },
  (t) => [
    // The natural key doubles as the deduplication key; no surrogate id on this high-volume table.
    primaryKey({ name: "events_pk", columns: [t.workspaceId, t.eventId] }),
    // Dashboards and funnels: one event name over a time range.
    index("events_workspace_id_event_name_occurred_at_idx").on(t.workspaceId, t.eventName, t.occurredAt),
    // Attribution per prompt and version over a time range (A7, per-version funnels).
    index("events_workspace_id_prompt_id_occurred_at_idx").on(t.workspaceId, t.promptId, t.occurredAt),
    // Aggregation (A2): a workspace's events of one hour or day, and what arrived since the last run.
    index("events_workspace_id_occurred_at_idx").on(t.workspaceId, t.occurredAt),
    index("events_received_at_idx").on(t.receivedAt),
    // Joining events to their exposure, filling in late attribution, a trace's events. A trace id
    // is a workspace's own (see exposures.ts): led by the workspace, another workspace's events
    // under the same trace id are never read.
    index("events_workspace_id_trace_id_idx").on(t.workspaceId, t.traceId),
  ],
);

export const eventDefinitionsRelations = relations(eventDefinitions, ({ one }) => ({
  workspace: one(workspaces, { fields: [eventDefinitions.workspaceId], references: [workspaces.id] }),
  createdBy: one(users, { fields: [eventDefinitions.createdById], references: [users.id] }),
}));

export const eventsRelations = relations(events, ({ one }) => ({
  workspace: one(workspaces, { fields: [events.workspaceId], references: [workspaces.id] }),
  prompt: one(prompts, { fields: [events.promptId], references: [prompts.id] }),
  version: one(promptVersions, { fields: [events.versionId], references: [promptVersions.id] }),
}));

export type EventDefinition = typeof eventDefinitions.$inferSelect;
export type NewEventDefinition = typeof eventDefinitions.$inferInsert;
export type BusinessEvent = typeof events.$inferSelect;
export type NewBusinessEvent = typeof events.$inferInsert;
