// Live counters from GET /api/analytics/live: requests and events per minute over the last
// hour, polled every few seconds while the tab is visible (the route has no stream), with a
// "Live" indicator that says when it last updated and turns to "Paused" or "Offline".
import { createMemo, createSignal, onCleanup, onMount, Show } from "solid-js";
import { call } from "~/api/contract";
import type { LiveCounts } from "~/api/analytics";
import { ChartPanel } from "~/charts/chart-panel";
import { TimeSeriesChart } from "~/charts/time-series-chart";
import { formatNumber } from "~/lib/format";
import { createQuery } from "./create-query";

export const LIVE_POLL_MS = 5_000;
/** The body's room (ChartPanel's `reserve`): four figures, a 150 px chart with its legend, and "Table". */
const LIVE_RESERVE = 290;
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const secondsFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", second: "2-digit" });

export function LivePanel(props: { promptId: string | null; workspaceId: string }) {
  const [visible, setVisible] = createSignal(typeof document === "undefined" || document.visibilityState === "visible");
  const [updatedAt, setUpdatedAt] = createSignal<Date | null>(null);
  const live = createQuery(
    () => ({ prompt: props.promptId, workspace: props.workspaceId }),
    async ({ prompt }) => {
      const answer = await call("get", "/api/analytics/live", { query: { prompt_id: prompt ?? undefined } });
      setUpdatedAt(new Date());
      return answer;
    },
  );
  onMount(() => {
    const onVisibility = () => {
      setVisible(document.visibilityState === "visible");
      if (visible()) void live.refetch(true);
    };
    document.addEventListener("visibilitychange", onVisibility);
    const timer = setInterval(() => {
      if (visible()) void live.refetch(true);
    }, LIVE_POLL_MS);
    onCleanup(() => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    });
  });

  const minutes = () => live.data()?.minutes ?? [];
  const lastFive = createMemo(() => minutes().slice(-5));
  const sum = (rows: LiveCounts["minutes"], key: "requests" | "events") => rows.reduce((total, row) => total + row[key], 0);
  const state = () => (live.error() ? "offline" : !visible() ? "paused" : "live");

  return (
    <ChartPanel
      title="Live"
      class="live-panel"
      description="Requests and events per minute over the last hour, as the queue consumer stores them"
      controls={
        <span class="live-indicator" data-state={state()}>
          <span class="live-dot" aria-hidden="true" />
          {state() === "live" ? "Live" : state() === "paused" ? "Paused" : "Offline"}
          <Show when={updatedAt()}>
            <span class="muted small"> · updated {secondsFormat.format(updatedAt()!)}</span>
          </Show>
        </span>
      }
      rows={[...minutes()].reverse()}
      columns={[
        { header: "Minute", value: (row) => row.minute, display: (row) => timeFormat.format(new Date(row.minute)) },
        { header: "Requests", value: (row) => row.requests, display: (row) => formatNumber(row.requests), numeric: true },
        { header: "Events", value: (row) => row.events, display: (row) => formatNumber(row.events), numeric: true },
      ]}
      csvName="live-counters"
      query={live}
      loading="Loading live counters…"
      errorTitle="Live counters are unavailable"
      reserve={LIVE_RESERVE}
    >
      <dl class="live-figures">
        <div>
          <dt>Requests, last 5 min</dt>
          <dd class="numeric" data-live="requests-5m">
            {formatNumber(sum(lastFive(), "requests"))}
          </dd>
        </div>
        <div>
          <dt>Events, last 5 min</dt>
          <dd class="numeric" data-live="events-5m">
            {formatNumber(sum(lastFive(), "events"))}
          </dd>
        </div>
        <div>
          <dt>Requests, last hour</dt>
          <dd class="numeric" data-live="requests-60m">
            {formatNumber(sum(minutes(), "requests"))}
          </dd>
        </div>
        <div>
          <dt>Events, last hour</dt>
          <dd class="numeric" data-live="events-60m">
            {formatNumber(sum(minutes(), "events"))}
          </dd>
        </div>
      </dl>
      <TimeSeriesChart
        times={minutes().map((row) => Date.parse(row.minute))}
        series={[
          { id: "requests", label: "Requests", values: minutes().map((row) => row.requests) },
          { id: "events", label: "Events", color: "var(--chart-3)", values: minutes().map((row) => row.events) },
        ]}
        format={formatNumber}
        formatTime={(time) => timeFormat.format(time)}
        height={150}
        label={`Last hour: ${formatNumber(sum(minutes(), "requests"))} requests and ${formatNumber(sum(minutes(), "events"))} events`}
      />
    </ChartPanel>
  );
}
