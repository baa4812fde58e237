-- A trace id is a workspace's own: SDKs choose the trace ids they report (POST /api/v1/exposures)
-- and trace ids travel in logs, so with trace_id alone as the key a workspace could report another
-- workspace's trace id first and make that workspace's exposure (or fallback use) a duplicate that
-- the consumer drops. Exposures and fallback uses are keyed by (workspace_id, trace_id); the events
-- of a trace are found through an index led by the workspace, so one workspace's rows under a trace
-- id are never read for another's. The inline primary keys of 0000 and 0005 took Postgres's
-- default names.
ALTER TABLE "exposures" DROP CONSTRAINT "exposures_pkey";--> statement-breakpoint
ALTER TABLE "exposures" ADD CONSTRAINT "exposures_pk" PRIMARY KEY("workspace_id","trace_id");--> statement-breakpoint
ALTER TABLE "fallback_uses" DROP CONSTRAINT "fallback_uses_pkey";--> statement-breakpoint
ALTER TABLE "fallback_uses" ADD CONSTRAINT "fallback_uses_pk" PRIMARY KEY("workspace_id","trace_id");--> statement-breakpoint
CREATE INDEX "events_workspace_id_trace_id_idx" ON "events" USING btree ("workspace_id","trace_id");--> statement-breakpoint
DROP INDEX "events_trace_id_idx";
