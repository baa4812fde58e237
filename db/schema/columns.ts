// Column builders that every table group repeats. All timestamps are `timestamp with time zone`
// so that instants survive any session time zone (Neon, PGlite and the edge all run in UTC, but
// users' scripts may not).
import { timestamp } from "drizzle-orm/pg-core";

export function timestamptz(name: string) {
  return timestamp(name, { withTimezone: true, mode: "date" });
}

export function createdAt() {
  return timestamptz("created_at").notNull().defaultNow();
}

/** Set by the database on insert and by drizzle on every update made through it. */
export function updatedAt() {
  return timestamptz("updated_at")
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
}
