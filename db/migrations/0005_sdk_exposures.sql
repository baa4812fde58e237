CREATE TYPE "public"."exposure_origin" AS ENUM('network', 'cache', 'stale', 'bootstrap');--> statement-breakpoint
CREATE TABLE "fallback_uses" (
	"trace_id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"slug" text NOT NULL,
	"environment" "environment" NOT NULL,
	"source" text,
	"unit_id" text,
	"api_key_id" text,
	"served_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "exposures" ADD COLUMN "origin" "exposure_origin";--> statement-breakpoint
ALTER TABLE "fallback_uses" ADD CONSTRAINT "fallback_uses_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fallback_uses_workspace_id_served_at_idx" ON "fallback_uses" USING btree ("workspace_id","served_at");