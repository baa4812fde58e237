-- The aggregation job's bookkeeping (A2): how far it has read exposures and events by
-- received_at, and the hours still to recompute; indexes for reading what arrived since.
CREATE TABLE "aggregation_pending_buckets" (
	"bucket_start" timestamp with time zone NOT NULL,
	"workspace_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "aggregation_pending_buckets_pk" PRIMARY KEY("bucket_start","workspace_id")
);
--> statement-breakpoint
CREATE TABLE "aggregation_state" (
	"name" text PRIMARY KEY NOT NULL,
	"received_through" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "aggregation_pending_buckets" ADD CONSTRAINT "aggregation_pending_buckets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_workspace_id_occurred_at_idx" ON "events" USING btree ("workspace_id","occurred_at");--> statement-breakpoint
CREATE INDEX "events_received_at_idx" ON "events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "exposures_received_at_idx" ON "exposures" USING btree ("received_at");