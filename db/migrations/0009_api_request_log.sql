CREATE TABLE "api_request_log" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"api_key_id" text NOT NULL,
	"key_prefix" text NOT NULL,
	"method" text NOT NULL,
	"route" text NOT NULL,
	"slug" text,
	"status" integer NOT NULL,
	"latency_ms" real NOT NULL,
	"error_code" text,
	"source" text NOT NULL,
	"client" text NOT NULL,
	"user_agent" text,
	"trace_id" text,
	"request_id" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_request_log" ADD CONSTRAINT "api_request_log_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_request_log" ADD CONSTRAINT "api_request_log_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_request_log_key_received_at_idx" ON "api_request_log" USING btree ("api_key_id","received_at","id");--> statement-breakpoint
CREATE INDEX "api_request_log_received_at_idx" ON "api_request_log" USING btree ("received_at");