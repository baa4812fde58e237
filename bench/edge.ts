/**
 * The edge suite: get-prompt (auth + rate limit + cache/KV + render + exposure) against the
 * empty route, in two phases: the normal stack, then the same with Redis unreachable (rate
 * limits fail open). Goal (issue "Prompt lifecycle and edge delivery"): get-prompt keeps ≥ 80 %
 * of the empty route's throughput and its p99 stays within 1.5× of it.
 *
 * On a small machine the load generator, wrangler's proxy and the workers share the cores, and
 * one load run's throughput drifts by a fifth from the next. So both routes are warmed up first,
 * then measured in alternating rounds (empty, get-prompt, empty, …) and each row reports the
 * median round: a drift or a pause then falls on both routes instead of on whichever ran at
 * that moment.
 */
import { seedDemo, startThrowawayStack, type LocalStack } from "../local/stack.ts";
import { compared, load, localPostgresUrl, percentiles, rounds as ROUNDS, type LoadResult, type Row } from "./support.ts";

const MIN_RATIO = 0.8;
const MAX_P99_RATIO = 1.5;
const LIFTED_LIMITS = JSON.stringify({ getPromptPerKey: { requests: 100_000_000 }, getPromptPerWorkspace: { requests: 100_000_000 } });
const WARM_UP_SECONDS = 2;

export async function edgeSuite(log: (line: string) => void): Promise<Row[]> {
  return [
    ...(await phase("", {}, log)),
    // Redis down: nothing listens on port 9, so every rate-limit check fails and lets requests through.
    ...(await phase(" (Redis unreachable)", { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", UPSTASH_REDIS_REST_TOKEN: "unreachable" }, log)),
  ];
}

/**
 * One phase: a fresh stack, the demo seed, a warm-up of both routes (so the measured path is a
 * cache/KV hit and both are compiled), then ROUNDS alternating rounds of the two.
 */
async function phase(label: string, devVars: Record<string, string>, log: (line: string) => void): Promise<Row[]> {
  let stack: LocalStack | undefined;
  try {
    const databaseUrl = await localPostgresUrl();
    stack = await startThrowawayStack({
      // The exposures get-prompt queues are written by the consumer on this same machine: into
      // the machine's Postgres when there is one (as Neon is a real Postgres), else PGlite.
      ...(databaseUrl ? { databaseUrl } : {}),
      // A real Redis when one answers (TEST_REDIS_URL or 127.0.0.1:6379), as Upstash is one; the
      // in-memory stand-in runs Lua in JavaScript and would dominate the get-prompt row.
      redisUrl: process.env.TEST_REDIS_URL ?? undefined,
      // The bench measures throughput, not the limits: lift them far above what it sends.
      devVars: { RATE_LIMIT_OVERRIDES: LIFTED_LIMITS, ...devVars },
      log,
    });
    const demo = await seedDemo(stack.urls.api);
    const headers = { authorization: `Bearer ${demo.api_key}` };
    const emptyUrl = `${stack.urls.edge}/health/live`;
    const promptUrl = `${stack.urls.edge}/api/v1/get-prompt/${demo.prompt_slugs[0]}?var.name=Ada&var.product=xR2&var.plan=pro`;
    const warm = await fetch(promptUrl, { headers });
    if (!warm.ok) throw new Error(`get-prompt warm-up failed with ${warm.status}: ${await warm.text()}`);
    await load(emptyUrl, { seconds: WARM_UP_SECONDS });
    await load(promptUrl, { headers, seconds: WARM_UP_SECONDS });

    const emptyRounds: LoadResult[] = [];
    const promptRounds: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      emptyRounds.push(await load(emptyUrl));
      promptRounds.push(await load(promptUrl, { headers }));
    }

    const emptyName = `edge${label}: empty route (GET /health/live)`;
    const empty = medianRound(emptyRounds);
    const emptyRow: Row = { name: emptyName, unit: "req/s", throughput: empty.rps, rounds: emptyRounds.map((round) => round.rps), p50_ms: empty.p50_ms, p95_ms: null, p99_ms: empty.p99_ms, errors: empty.errors, baseline: null, ratio: null, p99_ratio: null, goal: null, met: null };
    const measured = medianRound(promptRounds);
    const row = compared(
      { name: `edge${label}: get-prompt (auth + rate limit + cache/KV + render + exposure)`, unit: "req/s", throughput: measured.rps, rounds: promptRounds.map((round) => round.rps), p50_ms: measured.p50_ms, p95_ms: null, p99_ms: measured.p99_ms, errors: measured.errors, baseline: emptyName, goal: null, met: null },
      emptyRow,
    );
    return [
      emptyRow,
      { ...row, goal: `≥ ${MIN_RATIO * 100} % of baseline, p99 ≤ ${MAX_P99_RATIO}×`, met: row.ratio! >= MIN_RATIO && row.p99_ratio! <= MAX_P99_RATIO },
    ];
  } finally {
    await stack?.stop();
  }
}

/** The rounds' medians (nearest rank) of throughput and latency; every error of every round counts. */
function medianRound(rounds: LoadResult[]): LoadResult {
  const median = (values: number[]) => percentiles(values).p50;
  return {
    rps: median(rounds.map((round) => round.rps)),
    p50_ms: median(rounds.map((round) => round.p50_ms)),
    p99_ms: median(rounds.map((round) => round.p99_ms)),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
  };
}
