// A/B experiments (A6): versions of one prompt served side by side in one environment, assigned
// inside get-prompt by hashing the unit id, judged on a primary event.
import { relations, sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, timestamptz, updatedAt } from "./columns";
import { environmentEnum } from "./enums";
import { prompts } from "./prompts";
import { users } from "./users";
import { promptVersions } from "./versions";
import { workspaces } from "./workspaces";

export const experimentStatusEnum = pgEnum("experiment_status", ["draft", "running", "stopped"]);
export type ExperimentStatus = (typeof experimentStatusEnum.enumValues)[number];

export const experiments = pgTable(
  "experiments",
  {
    id: text("id").primaryKey(), // "exp_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    promptId: text("prompt_id").notNull(),
    environment: environmentEnum("environment").notNull().default("production"),
    name: text("name").notNull(),
    description: text("description"),
    status: experimentStatusEnum("status").notNull().default("draft"),
    /** The event_name whose conversion decides the experiment. */
    primaryEvent: text("primary_event").notNull(),
    startedAt: timestamptz("started_at"),
    stoppedAt: timestamptz("stopped_at"),
    createdById: text("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      name: "experiments_prompt_fk",
      columns: [t.workspaceId, t.promptId],
      foreignColumns: [prompts.workspaceId, prompts.id],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    // Target of experiment_variants' foreign key, which pins variants to the experiment's prompt.
    unique("experiments_id_prompt_id_unique").on(t.id, t.promptId),
    // get-prompt can split traffic of one prompt and environment one way only.
    uniqueIndex("experiments_running_unique")
      .on(t.promptId, t.environment)
      .where(sql`${t.status} = 'running'`),
    index("experiments_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt),
  ],
);

export const experimentVariants = pgTable(
  "experiment_variants",
  {
    id: text("id").primaryKey(), // "expv_…"
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    experimentId: text("experiment_id").notNull(),
    /** Always the experiment's prompt; stored so the version foreign key can check it. */
    promptId: text("prompt_id").notNull(),
    versionId: text("version_id").notNull(),
    /** The label get-prompt returns as `variant` and exposures record, e.g. "control". */
    key: text("key").notNull(),
    /** Order as submitted; position 0 is the control. */
    position: integer("position").notNull(),
    /** Relative share of traffic. */
    weight: integer("weight").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      name: "experiment_variants_experiment_fk",
      columns: [t.experimentId, t.promptId],
      foreignColumns: [experiments.id, experiments.promptId],
    }).onDelete("cascade"),
    foreignKey({
      name: "experiment_variants_prompt_fk",
      columns: [t.workspaceId, t.promptId],
      foreignColumns: [prompts.workspaceId, prompts.id],
    })
      .onDelete("cascade")
      .onUpdate("cascade"),
    foreignKey({
      name: "experiment_variants_version_fk",
      columns: [t.promptId, t.versionId],
      foreignColumns: [promptVersions.promptId, promptVersions.id],
    }),
    unique("experiment_variants_experiment_id_key_unique").on(t.experimentId, t.key),
    unique("experiment_variants_experiment_id_position_unique").on(t.experimentId, t.position),
    check("experiment_variants_weight_positive", sql`${t.weight} > 0`),
    check("experiment_variants_position_not_negative", sql`${t.position} >= 0`),
  ],
);

export const experimentsRelations = relations(experiments, ({ one, many }) => ({
  workspace: one(workspaces, { fields: [experiments.workspaceId], references: [workspaces.id] }),
  prompt: one(prompts, { fields: [experiments.promptId], references: [prompts.id] }),
  createdBy: one(users, { fields: [experiments.createdById], references: [users.id] }),
  variants: many(experimentVariants),
}));

export const experimentVariantsRelations = relations(experimentVariants, ({ one }) => ({
  experiment: one(experiments, { fields: [experimentVariants.experimentId], references: [experiments.id] }),
  version: one(promptVersions, { fields: [experimentVariants.versionId], references: [promptVersions.id] }),
}));

export type Experiment = typeof experiments.$inferSelect;
export type NewExperiment = typeof experiments.$inferInsert;
export type ExperimentVariant = typeof experimentVariants.$inferSelect;
export type NewExperimentVariant = typeof experimentVariants.$inferInsert;
