/**
 * exposures.event_firsts: per trace, when each event name first occurred among the trace's events,
 * in Unix microseconds written as decimal strings ({"purchase": "1735689600123000"}): readers take
 * `(event_firsts ->> name)::bigint`, which skips formatting a jsonb number. Funnels read these
 * maps, one row per exposure, instead of every event.
 *
 * The queue consumer inserts its exposures with an empty map and, once a chunk's inserts have
 * committed, merges into the maps of the chunk's exposures all events of their traces, and into
 * the maps of the chunk's events' exposures those events. Like attribution, whichever of an event
 * and its exposure is stored second, concurrently or not, one of these merges sees both. A merge
 * keeps the earlier time per name and is computed from the row's current map, so concurrent
 * merges and redeliveries compose.
 *
 * A map holds at most MAX_EVENT_FIRSTS names; a trace with more gets null, "not kept", as do
 * exposures written outside the consumer (tests, bulk loads). Readers fall back to the trace's
 * events for those, so a missing map only costs time.
 */
import { sql, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../context.ts";

export const MAX_EVENT_FIRSTS = 64;

/** A timestamptz as Unix microseconds (exact: extract returns numeric). */
export function unixMicros(timestamp: SQL): SQL {
  return sql`(extract(epoch from ${timestamp}) * 1000000)::bigint`;
}

/** The merge of two maps: the earlier time per name; null (not kept) beyond MAX_EVENT_FIRSTS names. */
function merged(current: SQL, fresh: SQL): SQL {
  return sql`(
    select case when count(*) > ${MAX_EVENT_FIRSTS}::int then null else jsonb_object_agg(m.key, m.first_us::text) end
    from (
      select kv.key, min(kv.value::bigint) as first_us
      from (select key, value from jsonb_each_text(${current}) union all select key, value from jsonb_each_text(${fresh})) kv
      group by kv.key
    ) m
  )`;
}

/**
 * Merges into kept maps: all events of the given exposures' traces, and the given events (by
 * their stored rows). Only maps that change are written.
 */
export async function recordEventFirsts(
  ctx: ServiceContext,
  input: { exposures: Array<{ workspace_id: string; trace_id: string }>; events: Array<{ workspace_id: string; event_id: string }> },
): Promise<void> {
  if (input.exposures.length === 0 && input.events.length === 0) return;
  await ctx.http().execute(sql`
    with fresh as (
      select e.workspace_id, e.trace_id, e.event_name, min(e.occurred_at) as first_at
      from (
        select e.workspace_id, e.trace_id, e.event_name, e.occurred_at
        from jsonb_to_recordset(${JSON.stringify(input.exposures)}::jsonb) as t(workspace_id text, trace_id text)
        join events e on e.trace_id = t.trace_id and e.workspace_id = t.workspace_id
        union all
        select e.workspace_id, e.trace_id, e.event_name, e.occurred_at
        from jsonb_to_recordset(${JSON.stringify(input.events)}::jsonb) as k(workspace_id text, event_id text)
        join events e on e.workspace_id = k.workspace_id and e.event_id = k.event_id
      ) e
      group by e.workspace_id, e.trace_id, e.event_name
    ),
    per_trace as (
      select workspace_id, trace_id, jsonb_object_agg(event_name, ${unixMicros(sql`first_at`)}::text) as firsts
      from fresh
      group by workspace_id, trace_id
    )
    update exposures x
    set event_firsts = ${merged(sql`x.event_firsts`, sql`p.firsts`)}
    from per_trace p
    where x.trace_id = p.trace_id and x.workspace_id = p.workspace_id and x.event_firsts is not null
      and exists (select 1 from jsonb_each_text(p.firsts) n where not coalesce((x.event_firsts ->> n.key)::bigint <= n.value::bigint, false))`);
}
