/**
 * The metrics GET /metrics exposes (docs/metrics.md lists them with their labels): their names,
 * types and help, how a series is named (`name{label="value",…}`, Prometheus text format), and
 * the rendering of stored values into the text exposition format 0.0.4.
 *
 * Label values are bounded sets: routes are route patterns (never raw paths), statuses are HTTP
 * statuses, queues are queue names, outcomes fixed words. A series name is also its field in the
 * Redis hashes (metrics-buffer.ts), so nothing else is needed to render it.
 */

export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricDefinition {
  type: MetricType;
  help: string;
  /** Histograms only: the buckets' upper bounds, in the metric's unit (seconds). */
  buckets?: readonly number[];
}

/** Upper bounds of the latency histograms, seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const METRICS = {
  xr2_api_requests_total: { type: "counter", help: "Requests the API worker answered, by method, route pattern, status and status class." },
  xr2_api_request_duration_seconds: { type: "histogram", help: "Time the API worker took to answer, by method, route pattern and status class.", buckets: LATENCY_BUCKETS },
  xr2_queue_batches_total: { type: "counter", help: "Batches the queue consumer received, by queue." },
  xr2_queue_messages_total: { type: "counter", help: "Queue messages handled, by queue and outcome (acked, retried)." },
  xr2_queue_consumer_lag_seconds: { type: "gauge", help: "Age of the oldest message of the consumer's latest batch when it started, by queue." },
  xr2_queue_last_batch_timestamp_seconds: { type: "gauge", help: "Unix time at which the consumer's latest batch started, by queue." },
  xr2_dead_letters_total: { type: "counter", help: "Queue messages kept as dead letters, by queue and reason (invalid, refused, retries_exhausted)." },
  xr2_dead_letters_pending: { type: "gauge", help: "Dead letters not replayed yet (read from Postgres at each scrape)." },
  xr2_aggregation_runs_total: { type: "counter", help: "Aggregation job runs, by trigger (schedule, admin) and outcome (ok, error)." },
  xr2_aggregation_hours_recomputed_total: { type: "counter", help: "Hour buckets recomputed by the aggregation job." },
  xr2_aggregation_last_success_timestamp_seconds: { type: "gauge", help: "Unix time of the aggregation job's latest successful run." },
  xr2_edge_requests_total: { type: "counter", help: "Product API requests made with a known API key, from the edge's request log, by route pattern, status and status class." },
  xr2_edge_exposures_stored_total: { type: "counter", help: "Prompt fetches (exposures) stored from the edge (the live counters' requests)." },
  xr2_edge_events_stored_total: { type: "counter", help: "Business events stored from the edge (the live counters' events)." },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;
export type Labels = Record<string, string>;

function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** `name{a="x",b="y"}` with labels in name order; `name` alone without labels. */
export function seriesName(name: string, labels: Labels = {}): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return name;
  return `${name}{${keys.map((key) => `${key}="${escapeLabelValue(labels[key]!)}"`).join(",")}}`;
}

/** "2xx" for 204. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** The family a stored series belongs to, and its series without the family's suffix. */
function familyOf(series: string): { family: MetricName; suffix: "" | "_bucket" | "_sum" | "_count" } | null {
  const brace = series.indexOf("{");
  const name = brace === -1 ? series : series.slice(0, brace);
  if (name in METRICS) return { family: name as MetricName, suffix: "" };
  for (const suffix of ["_bucket", "_sum", "_count"] as const) {
    if (name.endsWith(suffix) && name.slice(0, -suffix.length) in METRICS) return { family: name.slice(0, -suffix.length) as MetricName, suffix };
  }
  return null;
}

function formatValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}

/**
 * The exposition text of stored values: one HELP and TYPE per family, families in the order of
 * METRICS, series sorted within them (a histogram's buckets, then its sum and count, per label
 * set, as the format asks). Series of unknown families are skipped. Families without a series
 * are still announced (HELP, TYPE), so dashboards see every name from the first scrape.
 */
export function renderExposition(values: Map<string, number>): string {
  const byFamily = new Map<MetricName, Array<[string, number]>>();
  for (const [series, value] of values) {
    const family = familyOf(series);
    if (!family) continue;
    const list = byFamily.get(family.family) ?? [];
    list.push([series, value]);
    byFamily.set(family.family, list);
  }
  const lines: string[] = [];
  for (const [name, definition] of Object.entries(METRICS) as Array<[MetricName, MetricDefinition]>) {
    lines.push(`# HELP ${name} ${definition.help}`, `# TYPE ${name} ${definition.type}`);
    const series = byFamily.get(name) ?? [];
    series.sort(([a], [b]) => compareSeries(a, b));
    for (const [key, value] of series) lines.push(`${key} ${formatValue(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Histogram series grouped by label set (without `le`), buckets by bound, then _sum and _count. */
function compareSeries(a: string, b: string): number {
  const keyOf = (series: string) => {
    const brace = series.indexOf("{");
    const name = brace === -1 ? series : series.slice(0, brace);
    const labels = brace === -1 ? "" : series.slice(brace);
    const le = /(?:^|[{,])le="([^"]*)"/.exec(labels)?.[1];
    const base = labels.replace(/,?le="[^"]*"/, "").replace("{,", "{");
    const rank = name.endsWith("_bucket") ? 0 : name.endsWith("_sum") ? 1 : name.endsWith("_count") ? 2 : 0;
    const bound = le === undefined ? 0 : le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le);
    return { base, rank, bound };
  };
  const left = keyOf(a);
  const right = keyOf(b);
  if (left.base !== right.base) return left.base < right.base ? -1 : 1;
  if (left.rank !== right.rank) return left.rank - right.rank;
  return left.bound - right.bound;
}
