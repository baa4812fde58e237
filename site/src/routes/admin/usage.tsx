// Platform admin: usage across workspaces over time (S4): get-prompt requests, events and LLM
// cost per workspace per UTC day, the busiest workspaces charted, every workspace's totals in a
// table, and the days as CSV (the API's export, every row).
import { A } from "@solidjs/router";
import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { downloadUsageCsv, getUsage, type UsageMetrics, type UsageRange } from "~/api/platform-admin";
import { describeError } from "~/api/client";
import { TimeSeriesChart } from "~/charts/time-series-chart";
import { AsyncView, EmptyState } from "~/components/async-state";
import { TextField } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { downloadBlob } from "~/lib/csv";
import { formatMicros, formatNumber } from "~/lib/format";
import { AdminGate, isPlatformAdmin } from "~/platform-admin/admin-gate";

type Metric = keyof UsageMetrics;
const METRICS: ReadonlyArray<{ id: Metric; label: string; format: (value: number) => string }> = [
  { id: "requests", label: "get-prompt requests", format: formatNumber },
  { id: "events", label: "Events", format: formatNumber },
  { id: "llm_requests", label: "LLM calls", format: formatNumber },
  { id: "llm_cost_micros", label: "LLM cost", format: formatMicros },
  { id: "reported_cost_micros", label: "Cost apps reported", format: formatMicros },
];
const DAY_MS = 86_400_000;
const CHARTED = 5;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

export default function AdminUsagePage() {
  return (
    <AdminGate>
      <UsageSection />
    </AdminGate>
  );
}

function UsageSection() {
  const today = isoDay(Date.now());
  const [from, setFrom] = createSignal(isoDay(Date.now() - 29 * DAY_MS));
  const [to, setTo] = createSignal(today);
  const [metric, setMetric] = createSignal<Metric>("requests");
  const [downloading, setDownloading] = createSignal(false);
  const range = (): UsageRange | undefined => (isPlatformAdmin() && from() && to() && from() <= to() ? { from: from(), to: to() } : undefined);
  const [usage, { refetch }] = createResource(range, getUsage);
  const metricInfo = () => METRICS.find((entry) => entry.id === metric())!;

  const chart = createMemo(() => {
    const answer = usage.latest;
    if (!answer) return undefined;
    const times: number[] = [];
    for (let time = Date.parse(`${answer.from}T00:00:00Z`); time <= Date.parse(`${answer.to}T00:00:00Z`); time += DAY_MS) times.push(time);
    const top = [...answer.workspaces].sort((a, b) => b[metric()] - a[metric()]).filter((row) => row[metric()] > 0).slice(0, CHARTED);
    const series = top.map((workspace) => {
      const byDay = new Map(answer.days.filter((day) => day.workspace_id === workspace.workspace_id).map((day) => [day.day, day[metric()]]));
      return { id: workspace.workspace_id, label: workspace.workspace_name, values: times.map((time) => byDay.get(isoDay(time)) ?? 0) };
    });
    return { times, series };
  });
  const sortedTotals = () => [...(usage.latest?.workspaces ?? [])].sort((a, b) => b[metric()] - a[metric()]);

  const download = async () => {
    const current = range();
    if (!current) return;
    setDownloading(true);
    try {
      downloadBlob(`platform-usage-${current.from}-${current.to}.csv`, await downloadUsageCsv(current));
    } catch (caught) {
      notify(describeError(caught), "error");
    } finally {
      setDownloading(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Usage"
        description="Per workspace per UTC day. Requests come from the daily stats (as fresh as the last aggregation run); events by when they were received; LLM calls and their cost as xR2 made them."
        actions={
          <button type="button" class="secondary" onClick={() => void download()} disabled={!range() || downloading()}>
            {downloading() ? "Preparing…" : "Download CSV"}
          </button>
        }
      />
      <section class="panel" aria-labelledby="usage-title">
        <h2 id="usage-title" class="visually-hidden">
          Usage over time
        </h2>
        <form class="admin-filters" aria-label="Usage range" onSubmit={(event) => event.preventDefault()}>
          <TextField label="From" type="date" value={from()} max={to()} onChange={(event) => setFrom(event.currentTarget.value)} />
          <TextField label="To (inclusive)" type="date" value={to()} min={from()} max={today} onChange={(event) => setTo(event.currentTarget.value)} />
          <div class="field">
            <label for="usage-metric">Measure</label>
            <select id="usage-metric" value={metric()} onChange={(event) => setMetric(event.currentTarget.value as Metric)}>
              <For each={METRICS}>{(entry) => <option value={entry.id}>{entry.label}</option>}</For>
            </select>
          </div>
        </form>
        <AsyncView resource={usage} errorTitle="The usage could not be loaded" loading="Loading usage…" onRetry={refetch} isEmpty={(loaded) => loaded.days.length === 0} empty={<EmptyState title="No usage in this range">Pick a wider range.</EmptyState>}>
          <Show when={chart() && (chart()?.series.length ?? 0) > 0}>
            <TimeSeriesChart
              times={chart()!.times}
              series={chart()!.series}
              format={metricInfo().format}
              formatTime={(time) => new Date(time).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" })}
              label={`${metricInfo().label} per day of the ${chart()!.series.length} busiest workspaces, ${usage.latest!.from} to ${usage.latest!.to}`}
            />
          </Show>
          <Show when={sortedTotals().length > 0}>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Totals per workspace, scrolls sideways">
              <table class="admin-table">
                <caption>Totals per workspace, {usage.latest?.from} to {usage.latest?.to}</caption>
                <thead>
                  <tr>
                    <th scope="col">Workspace</th>
                    <For each={METRICS}>{(entry) => <th scope="col" class="numeric">{entry.label}</th>}</For>
                  </tr>
                </thead>
                <tbody>
                  <For each={sortedTotals()}>
                    {(row) => (
                      <tr>
                        <td>
                          <A href={`/admin/workspaces/${encodeURIComponent(row.workspace_id)}`}>{row.workspace_name}</A>
                        </td>
                        <For each={METRICS}>{(entry) => <td class="numeric">{entry.format(row[entry.id])}</td>}</For>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        </AsyncView>
      </section>
    </>
  );
}
