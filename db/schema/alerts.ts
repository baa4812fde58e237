// Threshold alerts (issue #18): rules per workspace on a prompt (or the whole workspace) and an
// environment (or all), evaluated by the aggregation job over the hourly stats it writes, and
// the history of their transitions. A rule fires once when its condition becomes true (state
// ok → firing), stays firing silently while it holds, and resolves once when it stops holding;
// each transition is one alert_events row and one webhook event, written together.
import { relations, sql } from "drizzle-orm";
import { boolean, check, doublePrecision, foreignKey, index, integer, pgEnum, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { environmentEnum } from "./enums";
import { experiments } from "./experiments";
import { prompts } from "./prompts";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const alertMetricEnum = pgEnum("alert_metric", ["error_rate", "latency_p95", "requests_drop", "cost_per_day", "conversion_rate", "srm"]);
export type AlertMetric = (typeof alertMetricEnum.enumValues)[number];

export const alertComparisonEnum = pgEnum("alert_comparison", ["above", "below"]);
export type AlertComparison = (typeof alertComparisonEnum.enumValues)[number];

export const alertStateEnum = pgEnum("alert_state", ["ok", "firing"]);
export type AlertState = (typeof alertStateEnum.enumValues)[number];

export const alertEventKindEnum = pgEnum("alert_event_kind", ["fired", "resolved"]);
export type AlertEventKind = (typeof alertEventKindEnum.enumValues)[number];

export const alertRules = pgTable(
  "alert_rules",
  {
    id: text("id").primaryKey(), // "alr_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    metric: alertMetricEnum("metric").notNull(),
    /** The prompt watched; null watches the whole workspace. */
    promptId: text("prompt_id"),
    /** The environment watched; null watches all of them. */
    environment: environmentEnum("environment"),
    comparison: alertComparisonEnum("comparison").notNull(),
    threshold: doublePrecision("threshold").notNull(),
    /** The trailing window the metric is measured over, in whole hours (the stats are hourly). */
    windowMinutes: integer("window_minutes").notNull(),
    /** conversion_rate: the trailing window before `window` whose average the rate is compared with. */
    baselineWindowMinutes: integer("baseline_window_minutes"),
    /** conversion_rate: the event counted as a conversion; null counts events of category "conversion". */
    eventName: text("event_name"),
    /** srm: the experiment watched; null watches any running experiment of the prompt. */
    experimentId: text("experiment_id").references(() => experiments.id, { onDelete: "cascade" }),
    /** Fewer requests in the window (or its baseline) is too little to judge: the condition does not hold. */
    minRequests: integer("min_requests").notNull().default(1),
    enabled: boolean("enabled").notNull().default(true),
    state: alertStateEnum("state").notNull().default("ok"),
    /** The metric's value at the last evaluation; null when there was nothing to measure. */
    lastValue: doublePrecision("last_value"),
    lastEvaluatedAt: timestamptz("last_evaluated_at"),
    lastFiredAt: timestamptz("last_fired_at"),
    lastResolvedAt: timestamptz("last_resolved_at"),
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // A rule on a prompt goes with the prompt, also to another workspace (and can only name a
    // prompt of its workspace).
    foreignKey({ name: "alert_rules_prompt_fk", columns: [t.workspaceId, t.promptId], foreignColumns: [prompts.workspaceId, prompts.id] })
      .onDelete("cascade")
      .onUpdate("cascade"),
    // Target of alert_events' foreign key, which keeps a rule's history in the rule's workspace.
    unique("alert_rules_workspace_id_id_unique").on(t.workspaceId, t.id),
    index("alert_rules_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt),
    // The job's pick: enabled rules, least recently evaluated first.
    index("alert_rules_enabled_last_evaluated_at_idx").on(t.lastEvaluatedAt).where(sql`${t.enabled}`),
    check("alert_rules_window_minutes_range", sql`${t.windowMinutes} between 60 and 10080`),
    check("alert_rules_min_requests_not_negative", sql`${t.minRequests} >= 0`),
  ],
);

export const alertEvents = pgTable(
  "alert_events",
  {
    id: text("id").primaryKey(), // "ale_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    ruleId: text("rule_id").notNull(),
    kind: alertEventKindEnum("kind").notNull(),
    /** The metric's value that caused the transition (null: nothing left to measure). */
    value: doublePrecision("value"),
    threshold: doublePrecision("threshold").notNull(),
    /** srm: the experiment whose sample ratio was off. */
    experimentId: text("experiment_id"),
    /** When the evaluation that made the transition ran. */
    occurredAt: timestamptz("occurred_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: "alert_events_rule_fk", columns: [t.workspaceId, t.ruleId], foreignColumns: [alertRules.workspaceId, alertRules.id] })
      .onDelete("cascade")
      .onUpdate("cascade"),
    // A rule's history and the workspace's notifications, newest first (read backwards).
    index("alert_events_rule_id_occurred_at_idx").on(t.ruleId, t.occurredAt),
    index("alert_events_workspace_id_occurred_at_idx").on(t.workspaceId, t.occurredAt),
  ],
);

export const alertRulesRelations = relations(alertRules, ({ one, many }) => ({
  workspace: one(workspaces, { fields: [alertRules.workspaceId], references: [workspaces.id] }),
  events: many(alertEvents),
}));

export const alertEventsRelations = relations(alertEvents, ({ one }) => ({
  workspace: one(workspaces, { fields: [alertEvents.workspaceId], references: [workspaces.id] }),
  rule: one(alertRules, { fields: [alertEvents.ruleId], references: [alertRules.id] }),
}));

export type AlertRule = typeof alertRules.$inferSelect;
export type NewAlertRule = typeof alertRules.$inferInsert;
export type AlertEvent = typeof alertEvents.$inferSelect;
