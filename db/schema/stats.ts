// Aggregated prompt statistics (A2, A3, A7), per hour and per day, written by the aggregation
// job that QStash schedules. The job recomputes whole buckets from exposures and events and
// upserts them on the primary key, so running it twice gives the same rows. Its bookkeeping
// (how far it has read, which hours are still to recompute) is at the end of this file.
//
// The key has no nullable column: `variant` is '' when no experiment was running, because
// Postgres treats NULLs as distinct and a nullable key column would let duplicates in.
// prompt_id and version_id are plain references, like in exposures.ts.
import { relations } from "drizzle-orm";
import { bigint, boolean, index, integer, pgEnum, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { environmentEnum } from "./enums";
import { prompts } from "./prompts";
import { users } from "./users";
import { promptVersions } from "./versions";
import { workspaces } from "./workspaces";

function count(name: string) {
  return bigint(name, { mode: "number" }).notNull().default(0);
}

/** Both tables have the same shape; only the bucket width differs. */
function promptStatsTable<TName extends string>(name: TName) {
  return pgTable(
    name,
    {
      /** Start of the hour or day (UTC) the row covers. */
      bucketStart: timestamptz("bucket_start").notNull(),
      workspaceId: text("workspace_id")
        .notNull()
        .references(() => workspaces.id, { onDelete: "cascade" }),
      promptId: text("prompt_id").notNull(),
      versionId: text("version_id").notNull(),
      environment: environmentEnum("environment").notNull(),
      variant: text("variant").notNull().default(""),
      requests: count("requests"),
      errors: count("errors"),
      /** Latency percentiles of the bucket's exposures; null when it had none. */
      latencyP50Ms: integer("latency_p50_ms"),
      latencyP95Ms: integer("latency_p95_ms"),
      latencyP99Ms: integer("latency_p99_ms"),
      events: count("events"),
      conversions: count("conversions"),
      tokensIn: count("tokens_in"),
      tokensOut: count("tokens_out"),
      costMicros: count("cost_micros"),
      updatedAt: updatedAt(),
    },
    (t) => [
      // The bucket key. Ordered so that it also serves the dashboards' query:
      // workspace + prompt over a range of buckets.
      primaryKey({
        name: `${name}_pk`,
        columns: [t.workspaceId, t.promptId, t.bucketStart, t.versionId, t.environment, t.variant],
      }),
      // Workspace-wide usage over time and top prompts.
      index(`${name}_workspace_id_bucket_start_idx`).on(t.workspaceId, t.bucketStart),
    ],
  );
}

export const promptStatsHourly = promptStatsTable("prompt_stats_hourly");
export const promptStatsDaily = promptStatsTable("prompt_stats_daily");

export const promptStatsHourlyRelations = relations(promptStatsHourly, ({ one }) => ({
  workspace: one(workspaces, { fields: [promptStatsHourly.workspaceId], references: [workspaces.id] }),
  prompt: one(prompts, { fields: [promptStatsHourly.promptId], references: [prompts.id] }),
  version: one(promptVersions, { fields: [promptStatsHourly.versionId], references: [promptVersions.id] }),
}));

export const promptStatsDailyRelations = relations(promptStatsDaily, ({ one }) => ({
  workspace: one(workspaces, { fields: [promptStatsDaily.workspaceId], references: [workspaces.id] }),
  prompt: one(prompts, { fields: [promptStatsDaily.promptId], references: [prompts.id] }),
  version: one(promptVersions, { fields: [promptStatsDaily.versionId], references: [promptVersions.id] }),
}));

export type PromptStatsRow = typeof promptStatsHourly.$inferSelect;
export type NewPromptStatsRow = typeof promptStatsHourly.$inferInsert;

/**
 * How far the aggregation job has read: every exposure and event received up to
 * `received_through` has had its hour marked in aggregation_pending_buckets. One row per job;
 * the job locks it (SELECT … FOR UPDATE), so overlapping runs take turns.
 */
export const aggregationState = pgTable("aggregation_state", {
  name: text("name").primaryKey(),
  receivedThrough: timestamptz("received_through").notNull(),
  updatedAt: updatedAt(),
});

/**
 * Hours of a workspace whose stats must be recomputed: marked for rows received late, for
 * events whose exposure arrived after them, or for a range an admin asked to recompute, and
 * drained by the job a bounded number at a time, oldest first (hence the key's order).
 */
export const aggregationPendingBuckets = pgTable(
  "aggregation_pending_buckets",
  {
    bucketStart: timestamptz("bucket_start").notNull(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: "aggregation_pending_buckets_pk", columns: [t.bucketStart, t.workspaceId] })],
);

export const aggregationPendingBucketsRelations = relations(aggregationPendingBuckets, ({ one }) => ({
  workspace: one(workspaces, { fields: [aggregationPendingBuckets.workspaceId], references: [workspaces.id] }),
}));

export const aggregationTriggerEnum = pgEnum("aggregation_trigger", ["schedule", "admin"]);

/**
 * One row per call of the aggregation job (QStash's schedule or an admin's "run now"), for the
 * admin console's job list: when it ran, what it did, and the error when it failed. Written at
 * the start of the call and completed at its end, so a run that never finished shows as such.
 */
export const aggregationRuns = pgTable(
  "aggregation_runs",
  {
    id: text("id").primaryKey(), // "agr_…"
    trigger: aggregationTriggerEnum("trigger").notNull(),
    /** The platform admin who asked; null for scheduled runs and once the admin is erased. */
    actorUserId: text("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    startedAt: timestamptz("started_at").notNull().defaultNow(),
    finishedAt: timestamptz("finished_at"),
    batches: integer("batches").notNull().default(0),
    hoursRecomputed: integer("hours_recomputed").notNull().default(0),
    daysRecomputed: integer("days_recomputed").notNull().default(0),
    rowsChanged: integer("rows_changed").notNull().default(0),
    /** Work was left for the next run. */
    more: boolean("more"),
    error: text("error"),
  },
  // The console's list, newest first (read backwards, see audit.ts).
  (t) => [index("aggregation_runs_started_at_idx").on(t.startedAt)],
);

export type AggregationRun = typeof aggregationRuns.$inferSelect;
