ALTER TYPE "public"."limit_name" ADD VALUE 'api_key_events_per_minute';--> statement-breakpoint
ALTER TYPE "public"."limit_name" ADD VALUE 'workspace_events_per_minute';--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "rate_limit_requests" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "rate_limit_window_seconds" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_rate_limit_pair" CHECK (("api_keys"."rate_limit_requests" is null) = ("api_keys"."rate_limit_window_seconds" is null));--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_rate_limit_positive" CHECK ("api_keys"."rate_limit_requests" > 0 and "api_keys"."rate_limit_window_seconds" > 0);