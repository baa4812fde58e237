/**
 * `npm run bench`: runs both workers in workerd (the same local stack as `npm run dev`, without
 * the site), loads the edge worker over loopback with autocannon in a separate process, prints a
 * table and writes bench/results.json. Every row names a baseline row measured in the same run,
 * and `ratio` is the row's throughput over its baseline's, so results compare across machines.
 *
 * Two phases: the normal stack, then the same with Redis unreachable (rate limits fail open).
 * Bounded: BENCH_DURATION seconds per row (default 8), BENCH_CONNECTIONS (default 50).
 * BENCH_OUTPUT writes the JSON elsewhere (CI does, to keep the committed reference run).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, ROOT, startLocalStack, type LocalStack } from "../local/stack.ts";

interface Scenario {
  name: string;
  path: string;
  headers?: Record<string, string>;
  baseline: string | null;
}

interface Row {
  name: string;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  non_2xx: number;
  baseline: string | null;
  /** Throughput over the baseline row's. */
  ratio: number | null;
  /** p99 latency over the baseline row's. */
  p99_ratio: number | null;
}

const duration = Number(process.env.BENCH_DURATION ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
if (!(duration > 0 && duration <= 60)) throw new Error("BENCH_DURATION must be between 1 and 60 seconds");
if (!(connections > 0 && connections <= 500)) throw new Error("BENCH_CONNECTIONS must be between 1 and 500");

const LIFTED_LIMITS = JSON.stringify({ getPromptPerKey: { requests: 100_000_000 }, getPromptPerWorkspace: { requests: 100_000_000 } });

/**
 * One phase: a fresh stack, the demo seed, a warm-up (so the measured path is a cache/KV hit),
 * then each scenario in turn; ratios are against the phase's own empty route.
 */
async function phase(label: string, devVars: Record<string, string>): Promise<Row[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "xr2-bench-"));
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({
      ports: { edge: await freePort(), api: await freePort(), site: 0, database: await freePort(), redis: await freePort(), qstash: await freePort() },
      dataDir,
      inMemoryDatabase: true,
      // A real Redis when one answers (TEST_REDIS_URL or 127.0.0.1:6379), as Upstash is one; the
      // in-memory stand-in runs Lua in JavaScript and would dominate the get-prompt row.
      redisUrl: process.env.TEST_REDIS_URL ?? undefined,
      withSite: false,
      // The bench measures throughput, not the limits: lift them far above what it sends.
      devVars: { RATE_LIMIT_OVERRIDES: LIFTED_LIMITS, ...devVars },
      log: (line) => {
        if (process.env.BENCH_VERBOSE) console.error(line);
      },
    });
    const seed = await fetch(`${stack.urls.api}/api/dev/seed`, { method: "POST" });
    const demo = (await seed.json()) as { api_key: string; prompt_slugs: string[] };
    if (!seed.ok) throw new Error(`seed failed: ${JSON.stringify(demo)}`);
    const auth = { authorization: `Bearer ${demo.api_key}` };
    const promptPath = `/api/v1/get-prompt/${demo.prompt_slugs[0]}?var.name=Ada&var.product=xR2&var.plan=pro`;
    const warm = await fetch(`${stack.urls.edge}${promptPath}`, { headers: auth });
    if (!warm.ok) throw new Error(`get-prompt warm-up failed with ${warm.status}: ${await warm.text()}`);

    const empty = `edge${label}: empty route (GET /health/live)`;
    const scenarios: Scenario[] = [
      { name: empty, path: "/health/live", baseline: null },
      { name: `edge${label}: get-prompt (auth + rate limit + cache/KV + render + exposure)`, path: promptPath, headers: auth, baseline: empty },
    ];
    const rows: Row[] = [];
    for (const scenario of scenarios) {
      const result = await load(`${stack.urls.edge}${scenario.path}`, scenario.headers ?? {});
      const base = rows.find((row) => row.name === scenario.baseline);
      rows.push({
        name: scenario.name,
        ...result,
        baseline: scenario.baseline,
        ratio: base ? round(result.rps / base.rps, 3) : null,
        p99_ratio: base ? round(result.p99_ms / Math.max(base.p99_ms, 1), 3) : null,
      });
    }
    return rows;
  } finally {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows = [
    ...(await phase("", {})),
    // Redis down: nothing listens on port 9, so every rate-limit check fails and lets requests through.
    ...(await phase(" (Redis unreachable)", { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", UPSTASH_REDIS_REST_TOKEN: "unreachable" })),
  ];
  printTable(rows);
  const output = {
    generated_at: new Date().toISOString(),
    settings: { duration_s: duration, connections, node: process.version },
    goals: { get_prompt_min_ratio: 0.8, get_prompt_max_p99_ratio: 1.5 },
    rows,
  };
  const outputPath = process.env.BENCH_OUTPUT ?? join(ROOT, "bench/results.json");
  writeFileSync(outputPath, JSON.stringify(output, null, 2) + "\n");
  console.log(`\nwrote ${outputPath}`);
  const failed = rows.filter((row) => row.errors > 0 || row.non_2xx > 0);
  if (failed.length > 0) throw new Error(`requests failed in: ${failed.map((row) => row.name).join(", ")}`);
}

/** autocannon in its own process, so the load generator does not share an event loop with the stand-ins. */
function load(url: string, headers: Record<string, string>): Promise<Omit<Row, "name" | "baseline" | "ratio" | "p99_ratio">> {
  const args = ["--json", "-c", String(connections), "-d", String(duration)];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}=${value}`);
  args.push(url);
  return new Promise((resolveResult, reject) => {
    const child = spawn(join(ROOT, "node_modules/.bin/autocannon"), args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      const report = JSON.parse(stdout) as {
        requests: { average: number };
        latency: { p50: number; p99: number };
        errors: number;
        timeouts: number;
        non2xx: number;
      };
      resolveResult({
        rps: round(report.requests.average, 0),
        p50_ms: report.latency.p50,
        p99_ms: report.latency.p99,
        errors: report.errors + report.timeouts,
        non_2xx: report.non2xx,
      });
    });
  });
}

function printTable(rows: Row[]): void {
  const header = ["scenario", "req/s", "p50 ms", "p99 ms", "errors", "req/s vs baseline", "p99 vs baseline"];
  const lines = rows.map((row) => [
    row.name,
    String(row.rps),
    String(row.p50_ms),
    String(row.p99_ms),
    String(row.errors + row.non_2xx),
    row.ratio === null ? "(baseline)" : `${(row.ratio * 100).toFixed(1)} %`,
    row.p99_ratio === null ? "" : `${row.p99_ratio.toFixed(2)}×`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  console.log(format(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(format(line));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
