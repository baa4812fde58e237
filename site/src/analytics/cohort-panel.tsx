// Cohorts (A5): units grouped by the day or week of their first exposure (to the chosen prompt,
// or to any prompt), and the share of each cohort doing the chosen event in each later period,
// as a retention grid (GET /api/analytics/cohorts).
import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { call, report } from "~/api/contract";
import { ANALYTICS_LIMITS, type CohortPeriod, type EventDefinition } from "~/api/analytics";
import { ChartPanel } from "~/charts/chart-panel";
import { RetentionGrid } from "~/charts/retention-grid";
import { formatNumber, formatPercent } from "~/lib/format";
import { createQuery } from "./create-query";
import { isoDay, type TimeRange } from "./date-range";

const DAY = 86_400_000;
const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

type Row = { cohort: string; units: number; period: number; retained: number; rate: number | null; complete: boolean };

export function CohortPanel(props: { promptId: string | null; range: TimeRange; definitions: readonly EventDefinition[]; snippetHref: string }) {
  const rangeDays = () => (props.range.to.getTime() - props.range.from.getTime()) / DAY;
  const [period, setPeriod] = createSignal<CohortPeriod>("day");
  const [periods, setPeriods] = createSignal(8);
  const [eventName, setEventName] = createSignal("");
  createEffect(on(rangeDays, (days) => setPeriod(days > 31 ? "week" : "day")));
  createEffect(
    on(
      () => props.definitions.map((definition) => definition.event_name).join(","),
      () => {
        if (eventName() && props.definitions.some((definition) => definition.event_name === eventName())) return;
        setEventName(props.definitions[0]?.event_name ?? "");
      },
    ),
  );
  const tooLong = () => rangeDays() > ANALYTICS_LIMITS.cohortRangeDays[period()];
  const cohorts = createQuery(
    () => (eventName() && !tooLong() ? { event_name: eventName(), period: period(), periods: periods(), from: props.range.from.toISOString(), to: props.range.to.toISOString(), prompt_id: props.promptId ?? undefined } : null),
    (query) => call("get", "/api/analytics/cohorts", { query }).then(report),
  );
  const rows = createMemo<Row[]>(() =>
    (cohorts.data()?.cohorts ?? []).flatMap((cohort) => cohort.retention.map((cell) => ({ cohort: cohort.cohort_start, units: cohort.units, period: cell.period, retained: cell.units, rate: cell.rate, complete: cell.complete }))),
  );

  const toolbar = (
    <div class="row cohort-controls">
      <label class="inline-field">
        <span>Event</span>
        <select value={eventName()} onChange={(event) => setEventName(event.currentTarget.value)} disabled={props.definitions.length === 0}>
          <Show when={props.definitions.length === 0}>
            <option value="">No event definitions</option>
          </Show>
          <For each={props.definitions}>
            {(definition) => (
              <option value={definition.event_name} selected={definition.event_name === eventName()}>
                {definition.event_name}
              </option>
            )}
          </For>
        </select>
      </label>
      <label class="inline-field">
        <span>Cohorts by</span>
        <select value={period()} onChange={(event) => setPeriod(event.currentTarget.value as CohortPeriod)}>
          <option value="day">Day</option>
          <option value="week">Week</option>
        </select>
      </label>
      <label class="inline-field">
        <span>Periods</span>
        <select value={periods()} onChange={(event) => setPeriods(Number(event.currentTarget.value))}>
          <For each={[4, 8, 12]}>{(count) => <option value={count}>{count}</option>}</For>
        </select>
      </label>
    </div>
  );

  return (
    <ChartPanel
      title="Cohorts"
      description={`Units by the ${period()} of their first exposure${props.promptId ? " to this prompt" : ""}, and the share doing ${eventName() || "the event"} in each ${period()} after (* period not over yet)`}
      toolbar={toolbar}
      rows={rows()}
      columns={[
        { header: "Cohort", value: (row) => isoDay(new Date(row.cohort)), display: (row) => dayFormat.format(new Date(row.cohort)) },
        { header: "Units", value: (row) => row.units, display: (row) => formatNumber(row.units), numeric: true },
        { header: "Period", value: (row) => row.period, numeric: true },
        { header: "Did the event", value: (row) => row.retained, display: (row) => formatNumber(row.retained), numeric: true },
        { header: "Rate", value: (row) => row.rate, display: (row) => formatPercent(row.rate), numeric: true },
        { header: "Period over", value: (row) => row.complete, display: (row) => (row.complete ? "yes" : "not yet") },
      ]}
      csvName={`cohorts-${isoDay(props.range.from)}`}
      query={props.definitions.length > 0 && !tooLong() ? cohorts : undefined}
      loading="Loading cohorts…"
      errorTitle="Cohorts could not be loaded"
      empty={
        props.definitions.length === 0 ? (
          <p class="muted chart-empty">
            Cohorts measure the retention of an event. <a href="/event-definitions">Define the events</a> your apps send, then send them with the <code>trace_id</code> from get-prompt.
          </p>
        ) : tooLong() ? (
          <p class="notice" data-kind="warn">
            {period() === "day" ? "Daily" : "Weekly"} cohorts cover at most {ANALYTICS_LIMITS.cohortRangeDays[period()]} days; pick weeks or a shorter range.
          </p>
        ) : cohorts.data()?.cohorts.length === 0 ? (
          <p class="muted chart-empty">
            No unit was first exposed in this range. Calls need a <code>unit_id</code> (a user or account id) to form cohorts: add <code>unit_id=…</code> to get-prompt (<a href={props.snippetHref}>see the snippet</a>).
          </p>
        ) : undefined
      }
    >
      <Show when={cohorts.data()}>{(data) => <RetentionGrid data={data()} formatCohort={(start) => dayFormat.format(new Date(start))} />}</Show>
    </ChartPanel>
  );
}
