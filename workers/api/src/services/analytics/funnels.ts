/**
 * Funnels (A4): from an exposure of a prompt, how many go on to do step 1's event, then step 2's,
 * and so on in order, per version served.
 *
 * Who moves through the funnel: a unit, the exposure's unit_id when the app sent one, else its
 * trace_id (an anonymous fetch is a unit of its own). Step 0 counts the units with a successful
 * exposure of the version in [from, to); a unit's journey starts at its first such exposure, t0.
 * The unit's events are those carrying the trace_id of one of its exposures of that version in
 * the range (events are tied to exposures only by trace_id).
 *
 * Each step is the unit's first event of that name (a first-occurrence funnel, so step names are
 * distinct): step 1 counts the units whose first step-1 event is at or after t0, step i those that
 * made step i-1 and whose first step-i event is strictly after their first step-(i-1) event; every
 * step must happen before t0 + window. So a unit that did b before a never makes "a then b", even
 * if it does b again later. Events count from `from` on (a client's clock may date one before its
 * exposure).
 *
 * Only the first time per name matters, so the query reads no events: each exposure carries the
 * first time of every event name on its trace (exposures.event_firsts, see event-firsts.ts), and
 * the statement takes, per exposure in the range, each step's first time (from the trace's events
 * instead when the exposure has no kept map, or when that time lies before `from`), then the
 * earliest per unit, then counts per version. Times need no upper bound: a step at or after
 * to + window fails the window whether it is counted or not, and so does every step after it.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Environment } from "@xr2/db/schema";
import { runLargeScan } from "./large-scan.ts";
import type { ServiceContext } from "../../context.ts";
import { assertPromptInWorkspace, checkRange, HOUR_MS, ratio } from "./analytics-scope.ts";
import { unixMicros } from "./event-firsts.ts";
import { exportTable, singlePage, type ExportTable } from "./table-export.ts";

export const MAX_FUNNEL_STEPS = 10;
export const MAX_FUNNEL_RANGE_DAYS = 366;
export const MAX_WINDOW_HOURS = 720;
export const DEFAULT_WINDOW_HOURS = 24;

export interface FunnelInput {
  workspaceId: string;
  promptId: string;
  steps: string[];
  from: Date;
  to: Date;
  windowHours: number;
  environment?: Environment | undefined;
}

export interface FunnelStep {
  step: number;
  /** null for step 0, the exposure. */
  event_name: string | null;
  count: number;
  conversion_from_previous: number | null;
  conversion_from_start: number | null;
  drop_off: number;
}

export interface FunnelVersion {
  version_id: string;
  version_number: number | null;
  steps: FunnelStep[];
}

function funnelQuery(input: FunnelInput): SQL {
  const from = input.from.toISOString();
  const fromUs = input.from.getTime() * 1000;
  const windowUs = input.windowHours * HOUR_MS * 1000;
  const environment = input.environment === undefined ? sql`` : sql`and x.environment = ${input.environment}`;
  const kept = (index: number) => sql.raw(`k${index + 1}`);
  const first = (index: number) => sql.raw(`f${index + 1}`);
  const perTrace = input.steps.map((name, index) => sql`(x.event_firsts ->> ${name})::bigint as ${kept(index)}`);
  // A trace's first time at or after `from`: its map's, unless the map is not kept or its time
  // lies before `from` (a client's clock), then the trace's events'.
  const perUnit = input.steps.map(
    (name, index) => sql`min(case
      when t.${kept(index)} >= ${fromUs}::bigint then t.${kept(index)}
      when t.${kept(index)} is not null or t.unkept then (
        select ${unixMicros(sql`min(e.occurred_at)`)} from events e
        where e.workspace_id = ${input.workspaceId} and e.trace_id = t.trace_id and e.event_name = ${name} and e.occurred_at >= ${from}::timestamptz)
      end) as ${first(index)}`,
  );
  // Step i's condition: every step up to i in order, the last one inside the window.
  const reached = input.steps.map((_, index) => {
    const order = input.steps.map((__, step) => (step === 0 ? sql`f1 >= t0` : sql`${first(step)} > ${first(step - 1)}`)).slice(0, index + 1);
    return sql`(count(*) filter (where ${sql.join(order, sql` and `)} and ${first(index)} < t0 + ${windowUs}::bigint))::int as c${sql.raw(String(index + 1))}`;
  });
  // offset 0 keeps `traces` a subquery of its own, so each map is read once per row.
  return sql`
    with traces as (
      select x.trace_id, x.version_id, coalesce(x.unit_id, x.trace_id) as unit, x.served_at, x.event_firsts is null as unkept, ${sql.join(perTrace, sql`, `)}
      from exposures x
      where x.workspace_id = ${input.workspaceId} and x.prompt_id = ${input.promptId} and x.status = 'success'
        and x.served_at >= ${from}::timestamptz and x.served_at < ${input.to.toISOString()}::timestamptz ${environment}
      offset 0
    ),
    units as (
      select t.version_id, ${unixMicros(sql`min(t.served_at)`)} as t0, ${sql.join(perUnit, sql`, `)}
      from traces t
      group by t.version_id, t.unit
    )
    select c.*, v.version_number
    from (select u.version_id, count(*)::int as c0, ${sql.join(reached, sql`, `)} from units u group by u.version_id) c
    left join prompt_versions v on v.id = c.version_id and v.workspace_id = ${input.workspaceId}
    order by v.version_number nulls last, c.version_id`;
}

export async function getFunnel({ ctx, input }: { ctx: ServiceContext; input: FunnelInput }) {
  checkRange(input.from, input.to, MAX_FUNNEL_RANGE_DAYS, "Funnels");
  await assertPromptInWorkspace(ctx, input.workspaceId, input.promptId);
  const rows = await runLargeScan<{ version_id: string; version_number: number | null } & Record<string, number>>(ctx, funnelQuery(input), { hint: "narrow the date range, the steps or the versions" });
  const versions: FunnelVersion[] = rows.map((row) => {
    const counts = Array.from({ length: input.steps.length + 1 }, (_, step) => row[`c${step}`]!);
    return {
      version_id: row.version_id,
      version_number: row.version_number,
      steps: counts.map((count, step) => ({
        step,
        event_name: step === 0 ? null : input.steps[step - 1]!,
        count,
        conversion_from_previous: step === 0 ? ratio(count, count) : ratio(count, counts[step - 1]!),
        conversion_from_start: ratio(count, counts[0]!),
        drop_off: step === 0 ? 0 : counts[step - 1]! - count,
      })),
    };
  });
  return {
    prompt_id: input.promptId,
    steps: input.steps,
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    window_hours: input.windowHours,
    environment: input.environment ?? null,
    versions,
  };
}

type FunnelExportRow = FunnelStep & { version_id: string; version_number: number | null };

export function funnelExport({ ctx, input }: { ctx: ServiceContext; input: FunnelInput }): ExportTable {
  const column = <K extends keyof FunnelExportRow>(name: K) => ({ name, value: (row: FunnelExportRow) => row[name] });
  return exportTable(
    "funnel",
    [column("version_id"), column("version_number"), column("step"), column("event_name"), column("count"), column("conversion_from_previous"), column("conversion_from_start"), column("drop_off")],
    singlePage(async () => {
      const funnel = await getFunnel({ ctx, input });
      return funnel.versions.flatMap((version) => version.steps.map((step) => ({ version_id: version.version_id, version_number: version.version_number, ...step })));
    }),
  );
}
