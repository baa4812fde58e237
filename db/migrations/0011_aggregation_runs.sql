CREATE TYPE "public"."aggregation_trigger" AS ENUM('schedule', 'admin');--> statement-breakpoint
CREATE TABLE "aggregation_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"trigger" "aggregation_trigger" NOT NULL,
	"actor_user_id" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"batches" integer DEFAULT 0 NOT NULL,
	"hours_recomputed" integer DEFAULT 0 NOT NULL,
	"days_recomputed" integer DEFAULT 0 NOT NULL,
	"rows_changed" integer DEFAULT 0 NOT NULL,
	"more" boolean,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "aggregation_runs" ADD CONSTRAINT "aggregation_runs_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "aggregation_runs_started_at_idx" ON "aggregation_runs" USING btree ("started_at");