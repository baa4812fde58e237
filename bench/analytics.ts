/**
 * The analytics suite: funnel and experiment-result queries over one million events, through the
 * API worker's HTTP endpoints, on the machine's Postgres when one answers (BENCH_DATABASE_URL,
 * TEST_DATABASE_URL, or 127.0.0.1:5432), on PGlite otherwise (labelled so).
 * Goal (issue "Events, attribution and analytics"): p95 under 500 ms on the local Postgres.
 *
 * The data is generated in Postgres with generate_series, shaped like real traffic: 100,000 units
 * (BENCH_UNITS) in a two-variant experiment, four exposures per unit an hour apart, and a funnel
 * view → click → add_to_cart → purchase → review where each step loses part of the previous one.
 */
import { sql } from "drizzle-orm";
import WebSocket from "ws";
import { createPoolDb } from "../db/client.ts";
import type { LocalStack } from "../local/stack.ts";
import { analyticsQueries, analyticsUnits, percentiles, round, startDatabaseBenchStack, type Row } from "./support.ts";

const MAX_P95_MS = 500;
const UNITS = analyticsUnits;
const EXPOSURES_PER_UNIT = 4;
const EXPOSURES = UNITS * EXPOSURES_PER_UNIT;
/** Event candidates per exposure (one per funnel step); the funnel's drop-off keeps about 3.2 per exposure (1.28 M at 100,000 units). */
const STEPS = ["view", "click", "add_to_cart", "purchase", "review"];
const QUERIES = analyticsQueries;

export async function analyticsSuite(log: (line: string) => void): Promise<Row[]> {
  let stack: LocalStack | undefined;
  try {
    let label: string;
    // One sign-up a run, from 127.0.0.1 like every local client, into a Redis that may outlive the run.
    ({ stack, label } = await startDatabaseBenchStack({ RATE_LIMIT_OVERRIDES: JSON.stringify({ signUpPerIp: { requests: 1_000_000 }, signUpAttemptsPerIp: { requests: 1_000_000 } }) }, log));
    const setup = await createExperiment(stack.urls.api);
    const generated = await generate(stack, setup);
    log(`generated ${generated.exposures} exposures and ${generated.events} events`);

    const range = `from=${encodeURIComponent(generated.from)}&to=${encodeURIComponent(generated.to)}`;
    const headers = { authorization: `Bearer ${setup.token}`, "x-workspace-id": setup.workspaceId };
    const scenarios = [
      { name: `analytics (${label}): funnel, ${STEPS.length} steps per version over ${millions(generated.events)} events`, path: `/api/analytics/funnels?prompt_id=${setup.promptId}&steps=${STEPS.join(",")}&${range}` },
      { name: `analytics (${label}): experiment results (2 variants, ${UNITS.toLocaleString("en")} units) over ${millions(generated.events)} events`, path: `/api/analytics/experiments/${setup.experimentId}` },
    ];
    const rows: Row[] = [];
    for (const scenario of scenarios) {
      const timings: number[] = [];
      let errors = 0;
      const started = performance.now();
      for (let index = 0; index < QUERIES; index++) {
        const begin = performance.now();
        const response = await fetch(`${stack.urls.api}${scenario.path}`, { headers });
        await response.arrayBuffer();
        timings.push(performance.now() - begin);
        if (!response.ok) errors++;
      }
      const elapsed = (performance.now() - started) / 1000;
      const latency = percentiles(timings);
      rows.push({
        name: scenario.name,
        unit: "queries/s",
        throughput: round(QUERIES / elapsed, 1),
        p50_ms: latency.p50,
        p95_ms: latency.p95,
        p99_ms: latency.p99,
        errors,
        baseline: null,
        ratio: null,
        p99_ratio: null,
        goal: `p95 < ${MAX_P95_MS} ms`,
        met: errors === 0 && latency.p95 < MAX_P95_MS,
      });
    }
    return rows;
  } finally {
    await stack?.stop();
  }
}

interface Setup {
  token: string;
  workspaceId: string;
  promptId: string;
  versionIds: [string, string];
  experimentId: string;
}

/** A user, a workspace, a prompt with two published versions and a running experiment, over HTTP. */
async function createExperiment(apiUrl: string): Promise<Setup> {
  const call = async (method: string, path: string, body?: unknown, auth?: { token: string; workspaceId?: string }) => {
    const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
    if (auth) headers.authorization = `Bearer ${auth.token}`;
    if (auth?.workspaceId) headers["x-workspace-id"] = auth.workspaceId;
    const response = await fetch(`${apiUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const answer = (await response.json()) as Record<string, any>;
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer;
  };
  const session = await call("POST", "/api/auth/register", { email: `bench-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Bench" });
  const token = session.access_token as string;
  const workspace = await call("POST", "/api/workspaces", { name: "Bench" }, { token });
  const ws = { token, workspaceId: workspace.id as string };
  const prompt = await call("POST", "/api/prompts", { slug: "bench-checkout", name: "Bench checkout" }, ws);
  const versionIds: string[] = [];
  for (const [index, environment] of (["staging", "production"] as const).entries()) {
    const version = await call("POST", `/api/prompts/${prompt.id}/versions`, { content: `Variant ${index}` }, ws);
    await call("PUT", `/api/prompts/${prompt.id}/versions/${version.id}/publish`, { environment }, ws);
    versionIds.push(version.id as string);
  }
  const experiment = await call(
    "POST",
    "/api/experiments",
    { prompt_id: prompt.id, environment: "production", name: "Bench", primary_event: "purchase", variants: versionIds.map((version_id) => ({ version_id, weight: 1 })) },
    ws,
  );
  await call("POST", `/api/experiments/${experiment.id}/start`, undefined, ws);
  return { ...ws, promptId: prompt.id as string, versionIds: versionIds as [string, string], experimentId: experiment.id as string };
}

/** Exposures and events written straight into Postgres, attributed as the consumer would. */
async function generate(stack: LocalStack, setup: Setup): Promise<{ exposures: number; events: number; from: string; to: string }> {
  const { db, close } = createPoolDb({ databaseUrl: stack.urls.database, localEndpoint: stack.urls.neonEndpoint ?? undefined, webSocketConstructor: WebSocket });
  try {
    const start = new Date(Date.now() - 6 * 3600_000);
    const [control, treatment] = setup.versionIds;
    // Units are sticky: unit u sees variant u % 2; each unit is exposed every hour.
    await db.execute(sql`
      insert into exposures (trace_id, workspace_id, prompt_id, version_id, environment, variant, experiment_id, unit_id, latency_ms, status, served_at)
      select 'tr_bench_' || lpad(g::text, 8, '0'), ${setup.workspaceId}, ${setup.promptId},
        case when (g % ${UNITS}) % 2 = 0 then ${control} else ${treatment} end, 'production',
        case when (g % ${UNITS}) % 2 = 0 then 'control' else 'variant_1' end, ${setup.experimentId},
        'unit_' || (g % ${UNITS}), 5 + (g % 40), 'success',
        ${start.toISOString()}::timestamptz + ((g / ${UNITS}) * interval '1 hour') + ((g % ${UNITS}) * interval '100 milliseconds')
      from generate_series(0, ${EXPOSURES - 1}) as g`);
    // Step k of an exposure's journey happens k minutes after it, if the journey got that far:
    // a per-trace pseudo-random depth, deeper more often for the treatment.
    await db.execute(sql`
      insert into events (workspace_id, event_id, trace_id, event_name, category, fields, occurred_at, prompt_id, version_id, variant)
      select e.workspace_id, 'evt_bench_' || e.trace_id || '_' || s.k, e.trace_id, (${sql.raw(`array['${STEPS.join("','")}']`)})[s.k + 1],
        case when s.k = 3 then 'conversion' else 'engagement' end, '{}'::jsonb,
        e.served_at + (s.k * interval '1 minute'), e.prompt_id, e.version_id, e.variant
      from exposures e
      cross join generate_series(0, ${STEPS.length - 1}) as s(k)
      where e.workspace_id = ${setup.workspaceId}
        and s.k <= (abs(hashtext(e.trace_id)) % 100) / case when e.variant = 'control' then 19 else 17 end`);
    // Each exposure's first time per event name, as the consumer keeps it (event-firsts.ts); the
    // table is then rewritten without the rows this update left behind.
    await db.execute(sql`
      update exposures x set event_firsts = f.firsts
      from (
        select trace_id, jsonb_object_agg(event_name, first_us::text) as firsts
        from (select trace_id, event_name, (extract(epoch from min(occurred_at)) * 1000000)::bigint as first_us from events where workspace_id = ${setup.workspaceId} group by trace_id, event_name) n
        group by trace_id
      ) f
      where x.workspace_id = ${setup.workspaceId} and x.trace_id = f.trace_id`);
    await db.execute(sql`update exposures set event_firsts = '{}'::jsonb where workspace_id = ${setup.workspaceId} and event_firsts is null`);
    await db.execute(sql`vacuum full exposures`);
    const [counts] = (await db.execute(sql`select (select count(*) from exposures where workspace_id = ${setup.workspaceId})::int as exposures, (select count(*) from events where workspace_id = ${setup.workspaceId})::int as events`)).rows as Array<{ exposures: number; events: number }>;
    await db.execute(sql`analyze exposures`);
    await db.execute(sql`analyze events`);
    return { exposures: counts!.exposures, events: counts!.events, from: start.toISOString(), to: new Date().toISOString() };
  } finally {
    await close();
  }
}

function millions(count: number): string {
  return `${round(count / 1_000_000, 2)} M`;
}
