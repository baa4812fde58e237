// The dashboard's panels drawn from GET /api/analytics/prompt-stats: headline figures, requests
// over time (per version when one prompt is chosen), latency percentiles, error rate, the top
// prompts (or the prompt's versions) and cost per conversion. Missing buckets are zero requests.
import { createMemo, For, Show, type JSX } from "solid-js";
import type { Metrics, PromptStats } from "~/api/analytics";
import { BarChart } from "~/charts/bar-chart";
import { ChartPanel, type TableColumn } from "~/charts/chart-panel";
import { colorAt } from "~/charts/scale";
import { TimeSeriesChart, type TimeSeries } from "~/charts/time-series-chart";
import { formatCompact, formatDateTime, formatMicros, formatNumber, formatPercent } from "~/lib/format";
import { bucketLabel, bucketsOf, isoDay, type TimeRange } from "./date-range";
import { FreshnessCaption } from "./kpi-captions";

export interface StatsView {
  stats: PromptStats;
  range: TimeRange;
  /** The prompt filter, when one prompt is chosen. */
  promptId: string | null;
  /** Shown when a panel has nothing to draw. */
  empty: (what: string) => JSX.Element;
}

/** The panels' titles and descriptions, shared with their placeholders (StatsPlaceholders). */
const TEXT = {
  usage: { title: "Usage over time", description: (range: TimeRange, perVersion: boolean) => `get-prompt requests per ${range.granularity}${perVersion ? ", per version" : ""}` },
  latency: { title: "Latency", description: "get-prompt answer time at the edge: median (p50), p95 and p99" },
  errors: { title: "Error rate", description: "Share of get-prompt requests that failed to render or answer" },
  top: {
    title: (promptId: string | null) => (promptId ? "Versions" : "Top prompts"),
    description: (promptId: string | null) => (promptId ? "Requests per version of this prompt in the range" : "The workspace's busiest prompts in the range"),
  },
  cost: { title: "Cost per conversion", description: (promptId: string | null) => `Cost reported on events (cost_usd) divided by conversions, per ${promptId ? "version" : "prompt"}.` },
};

/** The room a panel's body keeps (ChartPanel's `reserve`): a 220 px time chart with its legend and "Table", or a few bars. */
const RESERVE = { timeChart: 290, bars: 200 };

const ms = (value: number | null | undefined) => (value === null || value === undefined ? "–" : `${formatNumber(Math.round(value))} ms`);
const MAX_VERSION_LINES = 5;

interface Bucket {
  time: number;
  requests: number;
  errors: number;
  error_rate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  conversions: number;
  cost_micros: number;
  byVersion: Map<string, number>;
}

/** The series summed per bucket (request-weighted latency, as the API does across rows). */
function bucketsFor(view: StatsView): Bucket[] {
  const times = bucketsOf(view.range);
  const byTime = new Map<number, Bucket>(times.map((time) => [time, { time, requests: 0, errors: 0, error_rate: null, p50: null, p95: null, p99: null, conversions: 0, cost_micros: 0, byVersion: new Map() }]));
  const weights = new Map<number, { p50: number; p95: number; p99: number; weight: number }>();
  for (const row of view.stats.series) {
    const time = Date.parse(row.bucket_start);
    let bucket = byTime.get(time);
    if (!bucket) {
      bucket = { time, requests: 0, errors: 0, error_rate: null, p50: null, p95: null, p99: null, conversions: 0, cost_micros: 0, byVersion: new Map() };
      byTime.set(time, bucket);
    }
    bucket.requests += row.requests;
    bucket.errors += row.errors;
    bucket.conversions += row.conversions;
    bucket.cost_micros += row.cost_micros;
    if (row.version_id) bucket.byVersion.set(row.version_id, (bucket.byVersion.get(row.version_id) ?? 0) + row.requests);
    if (row.latency_p50_ms !== null && row.requests > 0) {
      const sum = weights.get(time) ?? { p50: 0, p95: 0, p99: 0, weight: 0 };
      sum.p50 += row.latency_p50_ms * row.requests;
      sum.p95 += (row.latency_p95_ms ?? row.latency_p50_ms) * row.requests;
      sum.p99 += (row.latency_p99_ms ?? row.latency_p95_ms ?? row.latency_p50_ms) * row.requests;
      sum.weight += row.requests;
      weights.set(time, sum);
    }
  }
  const buckets = [...byTime.values()].sort((a, b) => a.time - b.time);
  for (const bucket of buckets) {
    bucket.error_rate = bucket.requests > 0 ? bucket.errors / bucket.requests : null;
    const sum = weights.get(bucket.time);
    if (sum && sum.weight > 0) {
      bucket.p50 = sum.p50 / sum.weight;
      bucket.p95 = sum.p95 / sum.weight;
      bucket.p99 = sum.p99 / sum.weight;
    }
  }
  return buckets;
}

const versionName = (view: StatsView, versionId: string) => {
  const version = view.stats.versions.find((item) => item.version_id === versionId);
  return version?.version_number ? `v${version.version_number}` : versionId;
};

/**
 * The range's totals as cards. Without `totals` (still loading) the cards are there with a dash
 * and the caption says so, so the page below them keeps its place when the figures arrive.
 */
export function HeadlineFigures(props: { totals: Metrics | undefined; asOf?: string | null; hoursPending?: number; conversionNote?: string | undefined }) {
  const figure = (format: (totals: Metrics) => string) => (props.totals ? format(props.totals) : "–");
  const tiles = () => [
    { label: "Requests", value: figure((totals) => formatNumber(totals.requests)), id: "requests" },
    { label: "Error rate", value: figure((totals) => formatPercent(totals.error_rate)), id: "error-rate" },
    { label: "Latency p95", value: figure((totals) => ms(totals.latency_p95_ms)), id: "p95" },
    { label: "Conversions", value: figure((totals) => formatNumber(totals.conversions)), id: "conversions", note: props.conversionNote },
    { label: "Cost (events)", value: figure((totals) => formatMicros(totals.cost_micros)), id: "cost" },
    { label: "Cost per conversion", value: figure((totals) => formatMicros(totals.cost_per_conversion_micros)), id: "cost-per-conversion" },
  ];
  return (
    <div class="kpi-block" aria-busy={!props.totals || undefined}>
      <dl class="kpi-grid" aria-label="Totals for the range">
        <For each={tiles()}>
          {(tile) => (
            <div class="kpi" data-kpi={tile.id}>
              <dt>
                {tile.label}
                {/* Its room is kept (CSS) while the event definitions it names still load. */}
                <Show when={"note" in tile}>
                  <span class="kpi-note">{tile.note}</span>
                </Show>
              </dt>
              <dd class="numeric">{tile.value}</dd>
            </div>
          )}
        </For>
      </dl>
      <Show
        when={props.totals}
        fallback={
          <p class="kpi-freshness muted small" role="status">
            Loading statistics…
          </p>
        }
      >
        <Show when={props.asOf !== undefined}>
          <FreshnessCaption asOf={props.asOf} hoursPending={props.hoursPending} />
        </Show>
      </Show>
    </div>
  );
}

export function UsagePanel(props: { view: StatsView }) {
  const buckets = createMemo(() => bucketsFor(props.view));
  // With one prompt chosen: a line per version (the busiest five; the rest summed as "Other").
  const versionIds = createMemo(() => [...props.view.stats.versions].sort((a, b) => b.requests - a.requests).map((version) => version.version_id));
  const series = createMemo<TimeSeries[]>(() => {
    if (!props.view.promptId || versionIds().length <= 1) return [{ id: "requests", label: "Requests", values: buckets().map((bucket) => bucket.requests) }];
    const shown = versionIds().slice(0, MAX_VERSION_LINES);
    const lines: TimeSeries[] = shown.map((versionId, index) => ({ id: versionId, label: versionName(props.view, versionId), color: colorAt(index), values: buckets().map((bucket) => bucket.byVersion.get(versionId) ?? 0) }));
    if (versionIds().length > shown.length) lines.push({ id: "other", label: "Other versions", color: "var(--color-muted)", values: buckets().map((bucket) => bucket.requests - shown.reduce((sum, id) => sum + (bucket.byVersion.get(id) ?? 0), 0)) });
    return lines;
  });
  const columns = (): TableColumn<Bucket>[] => [
    { header: props.view.range.granularity === "hour" ? "Hour" : "Day", value: (row) => (props.view.range.granularity === "hour" ? new Date(row.time).toISOString() : isoDay(new Date(row.time))), display: (row) => (props.view.range.granularity === "hour" ? formatDateTime(new Date(row.time)) : isoDay(new Date(row.time))) },
    { header: "Requests", value: (row) => row.requests, display: (row) => formatNumber(row.requests), numeric: true },
    ...(series().length <= 1 ? [] : series()).map((line) => ({ header: line.label, value: (row: Bucket) => line.values[buckets().indexOf(row)] ?? 0, display: (row: Bucket) => formatNumber(line.values[buckets().indexOf(row)] ?? 0), numeric: true })),
    { header: "Conversions", value: (row) => row.conversions, display: (row) => formatNumber(row.conversions), numeric: true },
  ];
  return (
    <ChartPanel
      title={TEXT.usage.title}
      reserve={RESERVE.timeChart}
      description={TEXT.usage.description(props.view.range, Boolean(props.view.promptId) && versionIds().length > 1)}
      rows={buckets()}
      columns={columns()}
      csvName={`usage-${isoDay(props.view.range.from)}`}
      empty={props.view.stats.totals.requests === 0 ? props.view.empty("No requests in this range yet.") : undefined}
    >
      <TimeSeriesChart
        times={buckets().map((bucket) => bucket.time)}
        series={series()}
        area={series().length === 1}
        format={formatCompact}
        formatTime={(time) => bucketLabel(time, props.view.range)}
        label={`Requests per ${props.view.range.granularity}, ${props.view.range.label}: ${formatNumber(props.view.stats.totals.requests)} in all`}
      />
    </ChartPanel>
  );
}

export function LatencyPanel(props: { view: StatsView }) {
  const buckets = createMemo(() => bucketsFor(props.view));
  const rows = () => buckets().filter((bucket) => bucket.requests > 0);
  return (
    <ChartPanel
      title={TEXT.latency.title}
      reserve={RESERVE.timeChart}
      description={TEXT.latency.description}
      rows={rows()}
      columns={[
        { header: "Bucket", value: (row) => new Date(row.time).toISOString(), display: (row) => formatDateTime(new Date(row.time)) },
        { header: "p50 (ms)", value: (row) => (row.p50 === null ? null : Math.round(row.p50)), display: (row) => ms(row.p50), numeric: true },
        { header: "p95 (ms)", value: (row) => (row.p95 === null ? null : Math.round(row.p95)), display: (row) => ms(row.p95), numeric: true },
        { header: "p99 (ms)", value: (row) => (row.p99 === null ? null : Math.round(row.p99)), display: (row) => ms(row.p99), numeric: true },
      ]}
      csvName={`latency-${isoDay(props.view.range.from)}`}
      empty={rows().length === 0 ? props.view.empty("No latency to show: nothing was served in this range.") : undefined}
    >
      <TimeSeriesChart
        times={buckets().map((bucket) => bucket.time)}
        series={[
          { id: "p50", label: "p50", values: buckets().map((bucket) => bucket.p50) },
          { id: "p95", label: "p95", values: buckets().map((bucket) => bucket.p95) },
          { id: "p99", label: "p99", values: buckets().map((bucket) => bucket.p99), dashed: true },
        ]}
        format={(value) => `${formatCompact(value)} ms`}
        formatTime={(time) => bucketLabel(time, props.view.range)}
        label={`Latency percentiles per ${props.view.range.granularity}: p95 ${ms(props.view.stats.totals.latency_p95_ms)} over the range`}
      />
    </ChartPanel>
  );
}

export function ErrorRatePanel(props: { view: StatsView }) {
  const buckets = createMemo(() => bucketsFor(props.view));
  const rows = () => buckets().filter((bucket) => bucket.requests > 0);
  return (
    <ChartPanel
      title={TEXT.errors.title}
      reserve={RESERVE.timeChart}
      description={TEXT.errors.description}
      rows={rows()}
      columns={[
        { header: "Bucket", value: (row) => new Date(row.time).toISOString(), display: (row) => formatDateTime(new Date(row.time)) },
        { header: "Requests", value: (row) => row.requests, display: (row) => formatNumber(row.requests), numeric: true },
        { header: "Errors", value: (row) => row.errors, display: (row) => formatNumber(row.errors), numeric: true },
        { header: "Error rate", value: (row) => row.error_rate, display: (row) => formatPercent(row.error_rate), numeric: true },
      ]}
      csvName={`error-rate-${isoDay(props.view.range.from)}`}
      empty={rows().length === 0 ? props.view.empty("No requests, so no errors, in this range.") : undefined}
    >
      <TimeSeriesChart
        times={buckets().map((bucket) => bucket.time)}
        series={[{ id: "error-rate", label: "Error rate", color: "var(--chart-4)", values: buckets().map((bucket) => bucket.error_rate) }]}
        area
        format={formatPercent}
        formatTime={(time) => bucketLabel(time, props.view.range)}
        label={`Error rate per ${props.view.range.granularity}: ${formatPercent(props.view.stats.totals.error_rate)} over the range`}
      />
    </ChartPanel>
  );
}

interface Ranked extends Metrics {
  id: string;
  label: string;
  href?: string;
}

/** The prompts (workspace-wide) or the chosen prompt's versions, ranked. */
function ranked(view: StatsView): Ranked[] {
  if (view.promptId)
    return view.stats.versions.map((version) => ({ ...version, id: version.version_id, label: version.version_number ? `v${version.version_number}` : version.version_id })).sort((a, b) => b.requests - a.requests);
  return view.stats.top_prompts.map((prompt) => ({ ...prompt, id: prompt.prompt_id, label: prompt.name ?? prompt.slug ?? prompt.prompt_id, href: `/prompts/${prompt.prompt_id}` }));
}

const rankedColumns = (first: string): TableColumn<Ranked>[] => [
  { header: first, value: (row) => row.label, display: (row) => (row.href ? <a href={row.href}>{row.label}</a> : row.label) },
  { header: "Requests", value: (row) => row.requests, display: (row) => formatNumber(row.requests), numeric: true },
  { header: "Error rate", value: (row) => row.error_rate, display: (row) => formatPercent(row.error_rate), numeric: true },
  { header: "p95 (ms)", value: (row) => (row.latency_p95_ms === null ? null : Math.round(row.latency_p95_ms)), display: (row) => ms(row.latency_p95_ms), numeric: true },
  { header: "Conversions", value: (row) => row.conversions, display: (row) => formatNumber(row.conversions), numeric: true },
  { header: "Cost (USD)", value: (row) => row.cost_micros / 1_000_000, display: (row) => formatMicros(row.cost_micros), numeric: true },
  { header: "Cost per conversion (USD)", value: (row) => (row.cost_per_conversion_micros === null ? null : row.cost_per_conversion_micros / 1_000_000), display: (row) => formatMicros(row.cost_per_conversion_micros), numeric: true },
];

export function TopPanel(props: { view: StatsView; exportQuery: Record<string, string> }) {
  const rows = createMemo(() => ranked(props.view));
  const total = () => props.view.stats.totals.requests;
  const title = () => TEXT.top.title(props.view.promptId);
  return (
    <ChartPanel
      title={title()}
      reserve={RESERVE.bars}
      description={TEXT.top.description(props.view.promptId)}
      rows={rows()}
      columns={rankedColumns(props.view.promptId ? "Version" : "Prompt")}
      csvName={props.view.promptId ? "versions" : "top-prompts"}
      apiExport={{ path: "/api/analytics/prompt-stats", query: { ...props.exportQuery, table: props.view.promptId ? "versions" : "top_prompts", format: "csv" } }}
      empty={rows().length === 0 ? props.view.empty(props.view.promptId ? "No version of this prompt was served in this range." : "No prompt was served in this range.") : undefined}
    >
      <BarChart
        rows={rows().map((row) => ({ id: row.id, label: row.label, value: row.requests, note: total() > 0 ? `(${formatPercent(row.requests / total())})` : undefined }))}
        format={formatNumber}
        label={`${title()} by requests: ${rows()
          .slice(0, 5)
          .map((row) => `${row.label} ${formatNumber(row.requests)}`)
          .join(", ")}`}
      />
    </ChartPanel>
  );
}

export function CostPerConversionPanel(props: { view: StatsView }) {
  const rows = createMemo(() => ranked(props.view).filter((row) => row.conversions > 0 || row.cost_micros > 0));
  const withValue = () => rows().filter((row) => row.cost_per_conversion_micros !== null);
  return (
    <ChartPanel
      title={TEXT.cost.title}
      reserve={RESERVE.bars}
      description={
        <>
          Cost reported on events (<code>cost_usd</code>) divided by conversions, per {props.view.promptId ? "version" : "prompt"}. Overall: {formatMicros(props.view.stats.totals.cost_per_conversion_micros)}.
        </>
      }
      rows={rows()}
      columns={rankedColumns(props.view.promptId ? "Version" : "Prompt")}
      csvName="cost-per-conversion"
      empty={
        withValue().length === 0
          ? props.view.empty("No cost per conversion yet: it needs conversion events (category conversion) and events with a numeric cost_usd field on the same traces.")
          : undefined
      }
    >
      <BarChart
        rows={withValue().map((row) => ({ id: row.id, label: row.label, value: row.cost_per_conversion_micros!, note: `${formatNumber(row.conversions)} conv.` }))}
        format={formatMicros}
        colorBy="row"
        label={`Cost per conversion: ${withValue()
          .map((row) => `${row.label} ${formatMicros(row.cost_per_conversion_micros)}`)
          .join(", ")}`}
      />
    </ChartPanel>
  );
}

export function SeriesTruncatedNotice(props: { stats: PromptStats }) {
  return (
    <Show when={props.stats.series_truncated}>
      <p class="notice" data-kind="warn">
        This range has more buckets than the charts draw; export the table for all of them.
      </p>
    </Show>
  );
}

/**
 * The panels above as frames of their final size while the statistics load, laid out as the
 * dashboard lays out the panels: the page does not move when the figures arrive.
 */
export function StatsPlaceholders(props: { range: TimeRange; promptId: string | null }) {
  const frame = (title: string, description: string, reserve: number) => (
    <ChartPanel title={title} description={description} rows={[]} columns={[]} csvName="" loading="Loading statistics…" reserve={reserve}>
      {null}
    </ChartPanel>
  );
  return (
    <>
      {frame(TEXT.usage.title, TEXT.usage.description(props.range, false), RESERVE.timeChart)}
      <div class="grid-2">
        {frame(TEXT.latency.title, TEXT.latency.description, RESERVE.timeChart)}
        {frame(TEXT.errors.title, TEXT.errors.description, RESERVE.timeChart)}
      </div>
      <div class="grid-2">
        {frame(TEXT.top.title(props.promptId), TEXT.top.description(props.promptId), RESERVE.bars)}
        {frame(TEXT.cost.title, TEXT.cost.description(props.promptId), RESERVE.bars)}
      </div>
    </>
  );
}
