/**
 * The ingestion suite: business events end to end (HTTP batches to the edge → one queue message
 * per request → the API worker's consumer → rows in Postgres) against a plain batched INSERT of
 * the same number of rows into the same Postgres, through the same Neon endpoint, in one run.
 * Goal (issue "Events, attribution and analytics"): end to end keeps ≥ 50 % of the plain INSERT's
 * rows per second. Postgres is the machine's when one answers (as in the analytics suite), PGlite
 * otherwise.
 */
import { sql } from "drizzle-orm";
import WebSocket from "ws";
import { createPoolDb } from "../db/client.ts";
import { events } from "../db/schema/index.ts";
import { seedDemo, type LocalStack } from "../local/stack.ts";
import { ingestionEvents, percentiles, round, startDatabaseBenchStack, type Row } from "./support.ts";

const MIN_RATIO = 0.5;
const BATCH = 100;
const TOTAL = ingestionEvents;
/** Batches in flight at once, as a handful of app servers would send them. */
const SENDERS = 8;
const LIFTED_LIMITS = JSON.stringify({ eventsPerKey: { requests: 100_000_000 }, eventsPerWorkspace: { requests: 100_000_000 } });

export async function ingestionSuite(log: (line: string) => void): Promise<Row[]> {
  let stack: LocalStack | undefined;
  try {
    let label: string;
    ({ stack, label } = await startDatabaseBenchStack({ RATE_LIMIT_OVERRIDES: LIFTED_LIMITS }, log));
    const demo = await seedDemo(stack.urls.api);
    const served = await fetch(`${stack.urls.edge}/api/v1/get-prompt/${demo.prompt_slugs[0]}?var.name=Ada&var.product=xR2`, { headers: { authorization: `Bearer ${demo.api_key}` } });
    const traceId = ((await served.json()) as { trace_id: string }).trace_id;
    if (!served.ok) throw new Error(`get-prompt failed with ${served.status}`);

    const { db, close } = createPoolDb({ databaseUrl: stack.urls.database, localEndpoint: stack.urls.neonEndpoint ?? undefined, webSocketConstructor: WebSocket });
    try {
      const occurredAt = new Date();
      const row = (id: string) => ({ workspaceId: demo.workspace_id, eventId: id, traceId, eventName: "purchase", category: "conversion", fields: { amount: 42, currency: "EUR" }, occurredAt });

      // Baseline: the same rows, BATCH per INSERT, SENDERS statements in flight, straight into Postgres.
      const plainStarted = performance.now();
      const plainTimings = await inParallel(TOTAL / BATCH, SENDERS, async (batch) => {
        await db.insert(events).values(Array.from({ length: BATCH }, (_, index) => row(`bench-plain-${batch}-${index}`)));
      });
      const plainSeconds = (performance.now() - plainStarted) / 1000;
      const plain = percentiles(plainTimings);
      const baselineName = `ingestion (${label}): plain batched INSERT, ${BATCH} rows per statement`;
      const baseline: Row = { name: baselineName, unit: "rows/s", throughput: round(TOTAL / plainSeconds, 0), p50_ms: plain.p50, p95_ms: plain.p95, p99_ms: plain.p99, errors: 0, baseline: null, ratio: null, p99_ratio: null, goal: null, met: null };

      // End to end: HTTP batches to the edge, timed until the last row is in Postgres.
      let errors = 0;
      const started = performance.now();
      const timings = await inParallel(TOTAL / BATCH, SENDERS, async (batch) => {
        const body = { events: Array.from({ length: BATCH }, (_, index) => ({ event_id: `bench-e2e-${batch}-${index}`, trace_id: traceId, event_name: "purchase", category: "conversion", fields: { amount: 42, currency: "EUR" } })) };
        const response = await fetch(`${stack!.urls.edge}/api/v1/events/batch`, { method: "POST", headers: { authorization: `Bearer ${demo.api_key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
        const answer = (await response.json()) as { results?: Array<{ accepted: boolean }> };
        if (!response.ok || answer.results?.some((result) => !result.accepted)) errors++;
      });
      const stored = await waitForRows(db, demo.workspace_id, TOTAL, 120_000);
      const seconds = (performance.now() - started) / 1000;
      if (stored < TOTAL) errors += TOTAL - stored;
      const http = percentiles(timings);
      const ratio = round(TOTAL / seconds / baseline.throughput, 3);
      return [
        baseline,
        {
          name: `ingestion (${label}): events HTTP batch → queue → Postgres, ${BATCH} per request`,
          unit: "rows/s",
          throughput: round(stored / seconds, 0),
          p50_ms: http.p50,
          p95_ms: http.p95,
          p99_ms: http.p99,
          errors,
          baseline: baselineName,
          ratio,
          p99_ratio: null,
          goal: `≥ ${MIN_RATIO * 100} % of baseline`,
          met: errors === 0 && ratio >= MIN_RATIO,
        },
      ];
    } finally {
      await close();
    }
  } finally {
    await stack?.stop();
  }
}

/** Runs `task(0..count-1)` with at most `width` at once; the duration of each, in ms. */
async function inParallel(count: number, width: number, task: (index: number) => Promise<void>): Promise<number[]> {
  const timings: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const index = next++;
        const begin = performance.now();
        await task(index);
        timings.push(performance.now() - begin);
      }
    }),
  );
  return timings;
}

async function waitForRows(db: ReturnType<typeof createPoolDb>["db"], workspaceId: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await db.execute<{ count: number }>(sql`select count(*)::int as count from events where workspace_id = ${workspaceId} and event_id like 'bench-e2e-%'`);
    const count = result.rows[0]!.count;
    if (count >= expected || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
