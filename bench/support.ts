/** What the bench suites share: the row they report, the load generator, the table. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { connect } from "node:net";
import { ROOT, startThrowawayStack, type LocalStack } from "../local/stack.ts";

export interface Row {
  name: string;
  /** What `throughput` counts per second: HTTP requests, stored rows, queries, or in-process calls; or a Lighthouse score (0–100). */
  unit: "req/s" | "rows/s" | "queries/s" | "calls/s" | "score";
  throughput: number;
  /** When a row is the median of several rounds: each round's throughput, in the order run. */
  rounds?: number[];
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  errors: number;
  /** The row measured in the same run that this one is compared with. */
  baseline: string | null;
  /** Throughput over the baseline's. */
  ratio: number | null;
  /** p99 latency over the baseline's. */
  p99_ratio: number | null;
  /** The goal this row is held to, in words, and whether this run met it. */
  goal: string | null;
  met: boolean | null;
  /** What kept a score down (Lighthouse: the audits that failed), in JSON only. */
  notes?: string[];
  /** Measured figures behind a score (Lighthouse: its timings), in JSON only. */
  metrics?: Record<string, number>;
}

export const duration = Number(process.env.BENCH_DURATION ?? 8);
export const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Alternating rounds of the rows a suite compares, so that a drift of the machine falls on all of them. */
export const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
/** The SDK suite's calls per way (BENCH_SDK_CALLS) and per round of a way (see bench/sdk-app.ts). */
export const sdkCalls = Number(process.env.BENCH_SDK_CALLS ?? 60_000);
if (!(Number.isInteger(sdkCalls) && sdkCalls >= 100 && sdkCalls <= 1_000_000)) throw new Error("BENCH_SDK_CALLS must be an integer from 100 to 1,000,000");
export const SDK_ROUND_CALLS = 2000;
if (!(duration > 0 && duration <= 60)) throw new Error("BENCH_DURATION must be between 1 and 60 seconds");
if (!(connections > 0 && connections <= 500)) throw new Error("BENCH_CONNECTIONS must be between 1 and 500");
if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 9)) throw new Error("BENCH_ROUNDS must be an integer from 1 to 9");
/** The ingestion suite's events (BENCH_EVENTS, sent in batches of 100) and the analytics suite's calls of each query (BENCH_QUERIES). */
export const ingestionEvents = Number(process.env.BENCH_EVENTS ?? 50_000);
if (!(Number.isInteger(ingestionEvents) && ingestionEvents >= 100 && ingestionEvents <= 1_000_000 && ingestionEvents % 100 === 0)) throw new Error("BENCH_EVENTS must be a multiple of 100 from 100 to 1,000,000");
export const analyticsQueries = Number(process.env.BENCH_QUERIES ?? 30);
if (!(Number.isInteger(analyticsQueries) && analyticsQueries >= 1 && analyticsQueries <= 1_000)) throw new Error("BENCH_QUERIES must be an integer from 1 to 1,000");
/**
 * The analytics suite's experiment units (BENCH_UNITS): four exposures each, and their funnel's
 * events (about 12.8 per unit). At most 100,000: the generated traffic spreads units 100 ms apart
 * within the six hours before the run, and more would date rows after the queries' range.
 */
export const analyticsUnits = Number(process.env.BENCH_UNITS ?? 100_000);
if (!(Number.isInteger(analyticsUnits) && analyticsUnits >= 100 && analyticsUnits <= 100_000)) throw new Error("BENCH_UNITS must be an integer from 100 to 100,000");

export function compared(row: Omit<Row, "ratio" | "p99_ratio">, base: Row | undefined): Omit<Row, "goal" | "met"> {
  return {
    ...row,
    ratio: base ? round(row.throughput / base.throughput, 3) : null,
    p99_ratio: base && row.p99_ms !== null && base.p99_ms !== null ? round(row.p99_ms / Math.max(base.p99_ms, 1), 3) : null,
  };
}

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

/** autocannon in its own process, so the load generator does not share an event loop with the stand-ins. */
export function load(url: string, opts: { headers?: Record<string, string>; method?: string; body?: string; seconds?: number } = {}): Promise<LoadResult> {
  const args = ["--json", "-c", String(connections), "-d", String(opts.seconds ?? duration)];
  for (const [name, value] of Object.entries(opts.headers ?? {})) args.push("-H", `${name}=${value}`);
  if (opts.method) args.push("-m", opts.method);
  if (opts.body !== undefined) args.push("-b", opts.body);
  args.push(url);
  return new Promise((resolveResult, reject) => {
    const child = spawn(join(ROOT, "node_modules/.bin/autocannon"), args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      const report = JSON.parse(stdout) as { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; timeouts: number; non2xx: number };
      resolveResult({
        rps: round(report.requests.average, 0),
        p50_ms: report.latency.p50,
        p99_ms: report.latency.p99,
        errors: report.errors + report.timeouts + report.non2xx,
      });
    });
  });
}

/** Percentiles of `samples` (latencies in milliseconds, or the figures of bench rounds), nearest-rank, to `digits` decimals. */
export function percentiles(samples: number[], digits = 1): { p50: number; p95: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0, digits);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

export function printTable(rows: Row[]): void {
  const header = ["scenario", "throughput", "p50 ms", "p95 ms", "p99 ms", "errors", "vs baseline", "p99 vs baseline", "goal", "met"];
  const ms = (value: number | null) => (value === null ? "" : String(value));
  const lines = rows.map((row) => [
    row.name,
    `${row.throughput} ${row.unit}`,
    ms(row.p50_ms),
    ms(row.p95_ms),
    ms(row.p99_ms),
    String(row.errors),
    row.ratio === null ? (rows.some((other) => other.baseline === row.name) ? "(baseline)" : "") : `${(row.ratio * 100).toFixed(1)} %`,
    row.p99_ratio === null ? "" : `${row.p99_ratio.toFixed(2)}×`,
    row.goal ?? "",
    row.met === null ? "" : row.met ? "yes" : "NO",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column === 0 || column === 8 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  console.log(format(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(format(line));
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The machine's Postgres (BENCH_DATABASE_URL, TEST_DATABASE_URL, or 127.0.0.1:5432 when it answers); undefined: PGlite. */
export async function localPostgresUrl(): Promise<string | undefined> {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? ((await answers(5432)) ? "postgres://postgres@127.0.0.1:5432/test" : undefined);
}

/**
 * A throw-away stack on the machine's Postgres when there is one (a fresh database on it), else
 * PGlite, and on the machine's Redis when one answers; `label` names the database for the rows.
 */
export async function startDatabaseBenchStack(devVars: Record<string, string>, log: (line: string) => void): Promise<{ stack: LocalStack; label: string }> {
  const databaseUrl = await localPostgresUrl();
  const stack = await startThrowawayStack({ ...(databaseUrl ? { databaseUrl } : {}), redisUrl: process.env.TEST_REDIS_URL ?? undefined, devVars, log });
  return { stack, label: databaseUrl ? "Postgres" : "PGlite" };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}
