ALTER TABLE "exposures" ADD COLUMN "event_firsts" jsonb;--> statement-breakpoint
-- The exposures stored so far get their map (the queue consumer keeps them from now on); a trace
-- with more than 64 event names (MAX_EVENT_FIRSTS) stays null, and funnels read its events.
UPDATE "exposures" x SET "event_firsts" = (
  SELECT coalesce(jsonb_object_agg(n.event_name, n.first_us::text), '{}'::jsonb)
  FROM (
    SELECT e.event_name, (extract(epoch from min(e.occurred_at)) * 1000000)::bigint AS first_us
    FROM "events" e
    WHERE e.workspace_id = x.workspace_id AND e.trace_id = x.trace_id
    GROUP BY e.event_name
  ) n
  HAVING count(*) <= 64
);
