// Enums used by more than one table group. This module imports nothing from the other schema
// files, so any of them can use these enums while loading without an import cycle.
import { pgEnum } from "drizzle-orm/pg-core";

/** Where a prompt is published; each environment of a prompt points at one version (P4). */
export const environmentEnum = pgEnum("environment", ["development", "staging", "production"]);
export type Environment = (typeof environmentEnum.enumValues)[number];
