CREATE TABLE "dead_letters" (
	"id" text PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"message_id" text NOT NULL,
	"body" jsonb NOT NULL,
	"attempts" integer NOT NULL,
	"error" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp with time zone,
	CONSTRAINT "dead_letters_queue_message_id_unique" UNIQUE("queue","message_id")
);
--> statement-breakpoint
CREATE INDEX "dead_letters_received_at_idx" ON "dead_letters" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "dead_letters_pending_idx" ON "dead_letters" USING btree ("received_at") WHERE "dead_letters"."replayed_at" is null;