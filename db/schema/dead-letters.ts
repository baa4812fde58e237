// Dead letters: queue messages the consumer could not store, kept so that nothing is lost
// silently. Rows come from two places: messages the events consumer cannot parse (written at
// once, with the validation error), and messages that exhausted their retries on the events
// queue and were moved to its dead-letter queue, whose consumer writes them here. A platform
// admin lists them and replays them onto the events queue (ingestion is idempotent, so a replay
// of something partly stored changes nothing).
//
// No workspace_id column: a message whose workspace was deleted is a typical dead letter, and a
// foreign key would refuse it. The body keeps whatever workspace it named.
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";

export const deadLetters = pgTable(
  "dead_letters",
  {
    id: text("id").primaryKey(), // "dl_…"
    /** The queue the message was meant for, e.g. "xr2-events". */
    queue: text("queue").notNull(),
    /** The queue's id of the message; with `queue`, a redelivery inserts nothing. */
    messageId: text("message_id").notNull(),
    body: jsonb("body").$type<unknown>().notNull(),
    /** Deliveries seen by the consumer that wrote the row. */
    attempts: integer("attempts").notNull(),
    /** Why it is here: the validation error, or that retries ran out. */
    error: text("error").notNull(),
    receivedAt: timestamptz("received_at").notNull().defaultNow(),
    /** Set when an admin put the body back on the queue. */
    replayedAt: timestamptz("replayed_at"),
  },
  (t) => [
    unique("dead_letters_queue_message_id_unique").on(t.queue, t.messageId),
    // The admin list, newest first; and what is still waiting for a replay.
    index("dead_letters_received_at_idx").on(t.receivedAt),
    index("dead_letters_pending_idx")
      .on(t.receivedAt)
      .where(sql`${t.replayedAt} is null`),
  ],
);

export type DeadLetter = typeof deadLetters.$inferSelect;
export type NewDeadLetter = typeof deadLetters.$inferInsert;
