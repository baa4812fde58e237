CREATE TYPE "public"."scheduled_deployment_action" AS ENUM('publish', 'rollback');--> statement-breakpoint
CREATE TYPE "public"."scheduled_deployment_status" AS ENUM('scheduled', 'done', 'cancelled', 'failed', 'awaiting_approval');--> statement-breakpoint
CREATE TABLE "scheduled_deployments" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"prompt_id" text NOT NULL,
	"version_id" text,
	"environment" "environment" NOT NULL,
	"action" "scheduled_deployment_action" NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"status" "scheduled_deployment_status" DEFAULT 'scheduled' NOT NULL,
	"created_by_id" text,
	"created_with_scopes" text[],
	"note" text,
	"qstash_message_id" text,
	"outcome" jsonb,
	"error" text,
	"cancelled_by_id" text,
	"ran_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scheduled_deployments" ADD CONSTRAINT "scheduled_deployments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_deployments" ADD CONSTRAINT "scheduled_deployments_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_deployments" ADD CONSTRAINT "scheduled_deployments_cancelled_by_id_users_id_fk" FOREIGN KEY ("cancelled_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_deployments" ADD CONSTRAINT "scheduled_deployments_prompt_fk" FOREIGN KEY ("workspace_id","prompt_id") REFERENCES "public"."prompts"("workspace_id","id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "scheduled_deployments" ADD CONSTRAINT "scheduled_deployments_version_fk" FOREIGN KEY ("prompt_id","version_id") REFERENCES "public"."prompt_versions"("prompt_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scheduled_deployments_prompt_idx" ON "scheduled_deployments" USING btree ("workspace_id","prompt_id","run_at");--> statement-breakpoint
CREATE INDEX "scheduled_deployments_pending_idx" ON "scheduled_deployments" USING btree ("workspace_id") WHERE "scheduled_deployments"."status" = 'scheduled';--> statement-breakpoint
CREATE INDEX "scheduled_deployments_version_id_idx" ON "scheduled_deployments" USING btree ("version_id");