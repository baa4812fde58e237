/**
 * E4's promise under a database outage, across the whole local stack: while events flow into the
 * edge, Postgres becomes unreachable for 30 s (the local Neon endpoint is paused, as if the host
 * were gone). The edge keeps accepting (it never touches Postgres), the consumer keeps retrying,
 * and once Postgres is back every event the edge accepted is stored exactly once: none lost,
 * none twice (clients retry some requests as flaky networks do), nothing dead-lettered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { seedDemo, type DemoSeed, type LocalStack } from "../../local/stack.ts";
import { queryDatabase } from "../support/database.ts";
import { startTestStack } from "../support/test-stack.ts";

const OUTAGE_MS = 30_000;

let stack: LocalStack;
let stopStack: () => Promise<void>;
let demo: DemoSeed;

beforeAll(async () => {
  ({ stack, stop: stopStack } = await startTestStack());
  demo = await seedDemo(stack.urls.api);
}, 120_000);

afterAll(async () => {
  stack?.services.database?.resume();
  await stopStack?.();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks Postgres itself, not through the (pausable) endpoint the workers use. */
const query = <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryDatabase<R>(stack.urls.database, text, values);

describe("events while Postgres is down", () => {
  it("stores every accepted event exactly once after a 30 s outage", { timeout: 180_000 }, async () => {
    const database = stack.services.database;
    expect(database, "the test needs the local database stand-in").toBeDefined();
    const headers = { authorization: `Bearer ${demo.api_key}`, "content-type": "application/json" };
    const served = await fetch(`${stack.urls.edge}/api/v1/get-prompt/${demo.prompt_slugs[0]}?var.name=Ada&var.product=xR2&var.plan=pro`, { headers });
    expect(served.status).toBe(200);
    const { trace_id: servedTrace } = (await served.json()) as { trace_id: string };

    const accepted = new Set<string>();
    const statuses = new Map<number, number>();
    const acceptedDuringOutage: string[] = [];
    let outage = false;
    let sending = true;
    let sequence = 0;

    async function send(path: string, body: unknown): Promise<string[]> {
      const response = await fetch(`${stack.urls.edge}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status !== 202) return [];
      const answer = (await response.json()) as { event_id?: string; results?: Array<{ event_id: string; accepted: boolean }> };
      return answer.results ? answer.results.filter((result) => result.accepted).map((result) => result.event_id) : [answer.event_id!];
    }

    const sender = (async () => {
      let previous: unknown;
      while (sending) {
        sequence++;
        const batch = {
          events: Array.from({ length: 5 }, (_, index) => ({
            event_id: `outage-${sequence}-${index}`,
            trace_id: index === 0 ? servedTrace : `tr_unknown_${sequence}`,
            event_name: index % 2 === 0 ? "signup" : "purchase",
            fields: { amount: index, plan: "pro" },
          })),
        };
        const ids = [
          ...(await send("/api/v1/events/batch", batch)),
          // A single event without an event_id: its id is derived from the content.
          ...(await send("/api/v1/events", { trace_id: servedTrace, event_name: "page_view", fields: { step: sequence } })),
          // Every fifth round a client retries the previous batch, as after a lost answer.
          ...(sequence % 5 === 0 && previous ? await send("/api/v1/events/batch", previous) : []),
        ];
        for (const id of ids) accepted.add(id);
        if (outage) acceptedDuringOutage.push(...ids);
        previous = batch;
        await sleep(100);
      }
    })();

    try {
      await sleep(3_000);
      outage = true;
      database!.pause();
      await sleep(OUTAGE_MS);
      // The outage was real: nothing accepted during it reached Postgres.
      const storedDuringOutage = await query<{ n: number }>("select count(*)::int as n from events where workspace_id = $1 and event_id = any($2)", [demo.workspace_id, acceptedDuringOutage]);
      expect(storedDuringOutage[0]!.n).toBe(0);
    } finally {
      database!.resume();
      outage = false;
      await sleep(3_000);
      sending = false;
      await sender;
    }
    expect(acceptedDuringOutage.length, `answers: ${JSON.stringify([...statuses])}`).toBeGreaterThan(100);

    const storedIds = () => query<{ event_id: string; copies: number }>("select event_id, count(*)::int as copies from events where workspace_id = $1 group by event_id", [demo.workspace_id]);
    // The consumer's backoff after the outage is at most 32 s; then the queue drains.
    const deadline = Date.now() + 90_000;
    let rows = await storedIds();
    // When the last new row was stored, for a failure's message: a consumer still storing, or one stalled.
    let lastProgress: number | undefined;
    while (rows.length < accepted.size && Date.now() < deadline) {
      await sleep(1_000);
      const before = rows.length;
      rows = await storedIds();
      if (rows.length > before) lastProgress = Date.now();
    }
    const stored = new Map(rows.map((row) => [row.event_id, row.copies]));
    const missing = [...accepted].filter((id) => !stored.has(id));
    const duringOutage = new Set(acceptedDuringOutage);
    expect(
      missing,
      `${missing.length} of ${accepted.size} accepted events were not stored (${missing.filter((id) => duringOutage.has(id)).length} of them accepted during the outage); ` +
        (lastProgress === undefined ? "no new row was stored during the wait" : `the last new row was stored ${Math.round((Date.now() - lastProgress) / 1000)} s before the wait ended`),
    ).toEqual([]);
    expect([...stored.keys()].filter((id) => !accepted.has(id))).toEqual([]);
    expect([...stored.values()].every((copies) => copies === 1)).toBe(true);

    const unattributed = await query<{ n: number }>("select count(*)::int as n from events where workspace_id = $1 and trace_id = $2 and prompt_id is null", [demo.workspace_id, servedTrace]);
    expect(unattributed[0]!.n).toBe(0);
    expect(await query("select id from dead_letters")).toEqual([]);
  });
});
