CREATE TYPE "public"."alert_comparison" AS ENUM('above', 'below');--> statement-breakpoint
CREATE TYPE "public"."alert_event_kind" AS ENUM('fired', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."alert_metric" AS ENUM('error_rate', 'latency_p95', 'requests_drop', 'cost_per_day', 'conversion_rate', 'srm');--> statement-breakpoint
CREATE TYPE "public"."alert_state" AS ENUM('ok', 'firing');--> statement-breakpoint
CREATE TABLE "alert_events" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"kind" "alert_event_kind" NOT NULL,
	"value" double precision,
	"threshold" double precision NOT NULL,
	"experiment_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"metric" "alert_metric" NOT NULL,
	"prompt_id" text,
	"environment" "environment",
	"comparison" "alert_comparison" NOT NULL,
	"threshold" double precision NOT NULL,
	"window_minutes" integer NOT NULL,
	"baseline_window_minutes" integer,
	"event_name" text,
	"experiment_id" text,
	"min_requests" integer DEFAULT 1 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"state" "alert_state" DEFAULT 'ok' NOT NULL,
	"last_value" double precision,
	"last_evaluated_at" timestamp with time zone,
	"last_fired_at" timestamp with time zone,
	"last_resolved_at" timestamp with time zone,
	"created_by_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_rules_workspace_id_id_unique" UNIQUE("workspace_id","id"),
	CONSTRAINT "alert_rules_window_minutes_range" CHECK ("alert_rules"."window_minutes" between 60 and 10080),
	CONSTRAINT "alert_rules_min_requests_not_negative" CHECK ("alert_rules"."min_requests" >= 0)
);
--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_rule_fk" FOREIGN KEY ("workspace_id","rule_id") REFERENCES "public"."alert_rules"("workspace_id","id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_prompt_fk" FOREIGN KEY ("workspace_id","prompt_id") REFERENCES "public"."prompts"("workspace_id","id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX "alert_events_rule_id_occurred_at_idx" ON "alert_events" USING btree ("rule_id","occurred_at");--> statement-breakpoint
CREATE INDEX "alert_events_workspace_id_occurred_at_idx" ON "alert_events" USING btree ("workspace_id","occurred_at");--> statement-breakpoint
CREATE INDEX "alert_rules_workspace_id_created_at_idx" ON "alert_rules" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "alert_rules_enabled_last_evaluated_at_idx" ON "alert_rules" USING btree ("last_evaluated_at") WHERE "alert_rules"."enabled";