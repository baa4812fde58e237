/**
 * The edge suite: get-prompt (auth + rate limit + cache/KV + render + exposure) against the
 * empty route, in two phases: the normal stack, then the same with Redis unreachable (rate
 * limits fail open). Goal (issue "Prompt lifecycle and edge delivery"): get-prompt keeps ≥ 80 %
 * of the empty route's throughput and its p99 stays within 1.5× of it.
 */
import { seedDemo, startThrowawayStack, type LocalStack } from "../local/stack.ts";
import { compared, load, type Row } from "./support.ts";

const MIN_RATIO = 0.8;
const MAX_P99_RATIO = 1.5;
const LIFTED_LIMITS = JSON.stringify({ getPromptPerKey: { requests: 100_000_000 }, getPromptPerWorkspace: { requests: 100_000_000 } });

export async function edgeSuite(log: (line: string) => void): Promise<Row[]> {
  return [
    ...(await phase("", {}, log)),
    // Redis down: nothing listens on port 9, so every rate-limit check fails and lets requests through.
    ...(await phase(" (Redis unreachable)", { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", UPSTASH_REDIS_REST_TOKEN: "unreachable" }, log)),
  ];
}

/**
 * One phase: a fresh stack, the demo seed, a warm-up (so the measured path is a cache/KV hit),
 * then the empty route and get-prompt in turn.
 */
async function phase(label: string, devVars: Record<string, string>, log: (line: string) => void): Promise<Row[]> {
  let stack: LocalStack | undefined;
  try {
    stack = await startThrowawayStack({
      // A real Redis when one answers (TEST_REDIS_URL or 127.0.0.1:6379), as Upstash is one; the
      // in-memory stand-in runs Lua in JavaScript and would dominate the get-prompt row.
      redisUrl: process.env.TEST_REDIS_URL ?? undefined,
      // The bench measures throughput, not the limits: lift them far above what it sends.
      devVars: { RATE_LIMIT_OVERRIDES: LIFTED_LIMITS, ...devVars },
      log,
    });
    const demo = await seedDemo(stack.urls.api);
    const headers = { authorization: `Bearer ${demo.api_key}` };
    const promptPath = `/api/v1/get-prompt/${demo.prompt_slugs[0]}?var.name=Ada&var.product=xR2&var.plan=pro`;
    const warm = await fetch(`${stack.urls.edge}${promptPath}`, { headers });
    if (!warm.ok) throw new Error(`get-prompt warm-up failed with ${warm.status}: ${await warm.text()}`);

    const emptyName = `edge${label}: empty route (GET /health/live)`;
    const empty = await load(`${stack.urls.edge}/health/live`);
    const emptyRow: Row = { name: emptyName, unit: "req/s", throughput: empty.rps, p50_ms: empty.p50_ms, p95_ms: null, p99_ms: empty.p99_ms, errors: empty.errors, baseline: null, ratio: null, p99_ratio: null, goal: null, met: null };
    const measured = await load(`${stack.urls.edge}${promptPath}`, { headers });
    const row = compared(
      { name: `edge${label}: get-prompt (auth + rate limit + cache/KV + render + exposure)`, unit: "req/s", throughput: measured.rps, p50_ms: measured.p50_ms, p95_ms: null, p99_ms: measured.p99_ms, errors: measured.errors, baseline: emptyName, goal: null, met: null },
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
