/**
 * Metrics are counted in each isolate and added to Redis in batches: workers isolates share no
 * memory, so the totals /metrics reports live in three Redis hashes (METRICS_KEYS), whose fields
 * are series names (registry.ts). A request only adds to this isolate's buffer (a few map
 * updates, no I/O); the first observation after a flush schedules the next flush FLUSH_AFTER_MS
 * later in its own `waitUntil`, and that flush sends everything gathered meanwhile as one
 * pipelined Upstash REST call (HINCRBY per changed counter series, HSET per gauge). Cost: at most
 * one Redis request per isolate per FLUSH_AFTER_MS under traffic, none when idle, never one on
 * a request's answer path.
 *
 * What can be lost is what `waitUntil` loses (an isolate killed inside the window) and a batch
 * whose Redis call failed (logged, dropped): counters may undercount a little, never overcount.
 * Histogram sums are kept in microseconds as integers (HINCRBY), converted when rendered.
 */
import { createRedis, describeError, log, type Redis } from "@xr2/shared";
import { LATENCY_BUCKETS, seriesName, type Labels, type MetricName } from "./registry.ts";

/** The default of METRICS_FLUSH_MS (the tests use 0: each request's waitUntil flushes). */
export const FLUSH_AFTER_MS = 1_000;

export const METRICS_KEYS = {
  counters: "metrics:counters",
  /** Histogram sums, integer microseconds. */
  sumsMicros: "metrics:sums_us",
  gauges: "metrics:gauges",
} as const;

let counters = new Map<string, number>();
let sumsMicros = new Map<string, number>();
let gauges = new Map<string, number>();
/** When the pending flush was scheduled; null when none is. */
let flushScheduledAt: number | null = null;
/** A flush whose request context vanished (its waitUntil cut short) is given up after this long. */
const STALE_FLUSH_MS = 10_000;

function add(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export function incrementCounter(name: MetricName, labels: Labels = {}, by = 1): void {
  if (by <= 0) return;
  add(counters, seriesName(name, labels), Math.round(by));
}

export function setGauge(name: MetricName, labels: Labels, value: number): void {
  gauges.set(seriesName(name, labels), value);
}

/** One observation of a seconds-valued histogram: its buckets (cumulative), count and sum. */
export function observeHistogram(name: MetricName, labels: Labels, seconds: number): void {
  for (const bound of LATENCY_BUCKETS) if (seconds <= bound) add(counters, seriesName(`${name}_bucket`, { ...labels, le: String(bound) }), 1);
  add(counters, seriesName(`${name}_bucket`, { ...labels, le: "+Inf" }), 1);
  add(counters, seriesName(`${name}_count`, labels), 1);
  add(sumsMicros, seriesName(`${name}_sum`, labels), Math.round(seconds * 1e6));
}

export interface FlushTarget {
  redis: () => Redis;
  waitUntil: (promise: Promise<unknown>) => void;
  flushAfterMs: number;
}

/** Schedules this isolate's next flush in the caller's waitUntil, unless one is already scheduled. */
export function scheduleMetricsFlush(target: FlushTarget): void {
  const now = Date.now();
  if (flushScheduledAt !== null && now - flushScheduledAt < target.flushAfterMs + STALE_FLUSH_MS) return;
  flushScheduledAt = now;
  target.waitUntil(
    new Promise((resolve) => (target.flushAfterMs > 0 ? setTimeout(resolve, target.flushAfterMs) : resolve(undefined))).then(async () => {
      if (flushScheduledAt === now) flushScheduledAt = null;
      await flushMetrics(target.redis());
    }),
  );
}

/** Sends what this isolate gathered, in one pipeline; a failure is logged and those counts dropped. */
export async function flushMetrics(redis: Redis): Promise<void> {
  const taken = { counters, sumsMicros, gauges };
  counters = new Map();
  sumsMicros = new Map();
  gauges = new Map();
  if (taken.counters.size + taken.sumsMicros.size + taken.gauges.size === 0) return;
  try {
    const pipeline = redis.pipeline();
    for (const [field, by] of taken.counters) pipeline.hincrby(METRICS_KEYS.counters, field, by);
    for (const [field, by] of taken.sumsMicros) pipeline.hincrby(METRICS_KEYS.sumsMicros, field, by);
    if (taken.gauges.size > 0) pipeline.hset(METRICS_KEYS.gauges, Object.fromEntries(taken.gauges));
    await pipeline.exec();
  } catch (error) {
    log("warn", "metrics not flushed to Redis; these counts are lost", { series: taken.counters.size + taken.sumsMicros.size + taken.gauges.size, error: describeError(error) });
  }
}

/** A Redis client for the flush of a handler that has no ServiceContext (the queue handler builds its own). */
export function metricsRedis(env: { UPSTASH_REDIS_REST_URL: string; UPSTASH_REDIS_REST_TOKEN: string }): Redis {
  return createRedis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
}
