/**
 * The SDK suite (issue "SDKs for apps"): what an app in Node pays for one prompt, three ways,
 * side by side in one process:
 *  - `@xr2/sdk`, cached `getPrompt`: the template from the SDK's cache, rendered in-process with
 *    the edge's engine, a trace id minted, an exposure queued and sent in the background to the
 *    local stack's edge (POST /api/v1/exposures), as in an app;
 *  - `@langfuse/client`, cached `prompt.get` + `compile` of the same text in Langfuse's
 *    `{{mustache}}` form, fetched once from a local stand-in of Langfuse's prompt endpoint
 *    (langfuse-stand-in.ts);
 *  - a plain `fetch` of the edge's get-prompt over loopback, rendered by the edge: what an app
 *    does without an SDK.
 * Goal: the xR2 SDK at least as fast as Langfuse's at the median and at p99. The fetch row shows
 * the speed-up an SDK brings (its throughput and p99 against the SDK row's).
 *
 * Method: each way is warmed up (its first call fetches; then untimed calls so the JIT settles),
 * then measured in alternating rounds (BENCH_ROUNDS; xR2, Langfuse, fetch, xR2, …) of
 * sequential awaited calls, each timed with performance.now(). A row makes at most
 * BENCH_SDK_CALLS calls (default 20,000) and spends at most BENCH_DURATION seconds in all.
 * Every 100 calls the loop yields to the event loop, as an app between requests does, so the
 * SDK's background exposure sends run during its rounds; throughput is calls over the rounds'
 * wall time, yields included. Exposures still queued at the end of a round are flushed
 * untimed, so the edge is idle again for the next row.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LangfuseClient } from "@langfuse/client";
import { ROOT, seedDemo, startThrowawayStack, type LocalStack } from "../local/stack.ts";
import { XR2 } from "../sdk/typescript/src/index.ts";
import { startLangfuseStandIn, type LangfuseStandIn } from "./langfuse-stand-in.ts";
import { duration, localPostgresUrl, percentiles, round, rounds as ROUNDS, type Row } from "./support.ts";

const CALLS = Number(process.env.BENCH_SDK_CALLS ?? 20_000);
if (!(Number.isInteger(CALLS) && CALLS >= 100 && CALLS <= 1_000_000)) throw new Error("BENCH_SDK_CALLS must be an integer from 100 to 1,000,000");
const WARM_UP_CALLS = 2000;
const WARM_UP_FETCHES = 200;
const YIELD_EVERY = 100;
const CACHE_TTL_SECONDS = 60;
const LIFTED_LIMITS = JSON.stringify({
  getPromptPerKey: { requests: 100_000_000 },
  getPromptPerWorkspace: { requests: 100_000_000 },
  eventsPerKey: { requests: 100_000_000 },
  eventsPerWorkspace: { requests: 100_000_000 },
});
/** The demo seed's published welcome-message, and the same text written for Langfuse's mustache. */
const SLUG = "welcome-message";
const LANGFUSE_TEMPLATE = "Hi {{name}}, great to have you on {{product}}. {{#plan}}You are on the {{plan}} plan.{{/plan}}";
const VARIABLES = { name: "Ada", product: "xR2", plan: "pro" };

/** One way of getting a rendered prompt; resolves with its text, or throws. */
type Call = () => Promise<string | null>;

interface Way {
  name: string;
  call: Call;
  /** Untimed work after each round (the SDK's exposure flush). */
  afterRound?: () => Promise<void>;
  samples: number[];
  roundThroughputs: number[];
  calls: number;
  wallMs: number;
  errors: number;
}

export async function sdkSuite(log: (line: string) => void): Promise<Row[]> {
  let stack: LocalStack | undefined;
  let standIn: LangfuseStandIn | undefined;
  let xr2: XR2 | undefined;
  let langfuse: LangfuseClient | undefined;
  try {
    const databaseUrl = await localPostgresUrl();
    stack = await startThrowawayStack({
      ...(databaseUrl ? { databaseUrl } : {}),
      redisUrl: process.env.TEST_REDIS_URL ?? undefined,
      devVars: { RATE_LIMIT_OVERRIDES: LIFTED_LIMITS },
      log,
    });
    const demo = await seedDemo(stack.urls.api);
    if (!demo.prompt_slugs.includes(SLUG)) throw new Error(`the demo seed no longer publishes ${SLUG} (it has ${demo.prompt_slugs.join(", ")}); update bench/sdk.ts`);
    standIn = await startLangfuseStandIn([{ name: SLUG, version: 2, prompt: LANGFUSE_TEMPLATE, labels: ["production", "latest"] }]);

    const perRound = Math.ceil(CALLS / ROUNDS);
    const client = new XR2({
      apiKey: demo.api_key,
      baseUrl: stack.urls.edge,
      environment: "production",
      source: "bench",
      cacheTtlSeconds: CACHE_TTL_SECONDS,
      // A round's exposures all fit in the queue; the bench checks below that none was dropped.
      maxQueueSize: perRound + WARM_UP_CALLS + YIELD_EVERY,
    });
    xr2 = client;
    const lf = new LangfuseClient({ publicKey: standIn.publicKey, secretKey: standIn.secretKey, baseUrl: standIn.baseUrl });
    langfuse = lf;
    const headers = { authorization: `Bearer ${demo.api_key}` };
    const query = Object.entries(VARIABLES).map(([name, value]) => `var.${name}=${encodeURIComponent(value)}`).join("&");
    const promptUrl = `${stack.urls.edge}/api/v1/get-prompt/${SLUG}?${query}`;

    let notFromCache = 0;
    const xr2Call: Call = async () => {
      const prompt = await client.getPrompt(SLUG, { variables: VARIABLES });
      if (prompt.origin !== "cache") notFromCache++;
      return prompt.content;
    };
    const langfuseCall: Call = async () => (await lf.prompt.get(SLUG, { cacheTtlSeconds: CACHE_TTL_SECONDS })).compile(VARIABLES);
    const fetchCall: Call = async () => {
      const response = await fetch(promptUrl, { headers });
      const body = (await response.json()) as { content?: string | null };
      if (!response.ok) throw new Error(`get-prompt answered ${response.status}: ${JSON.stringify(body)}`);
      return body.content ?? null;
    };

    // The first call of each fetches; all three must render the same text, or the comparison is void.
    const first = await client.getPrompt(SLUG, { variables: VARIABLES });
    if (first.origin !== "network") throw new Error(`the SDK's first getPrompt came from ${first.origin}, not the network`);
    const texts = [first.content, await langfuseCall(), await fetchCall()];
    if (new Set(texts).size !== 1) throw new Error(`the three ways render different texts, so the templates are not equivalent: ${JSON.stringify(texts)}`);
    const warmUp = async (call: Call, calls: number) => {
      for (let i = 0; i < calls; i++) {
        await call();
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await nextTurn();
      }
    };
    await warmUp(xr2Call, WARM_UP_CALLS);
    await client.flush();
    await warmUp(langfuseCall, WARM_UP_CALLS);
    await warmUp(fetchCall, WARM_UP_FETCHES);
    notFromCache = 0;
    const exposuresBefore = client.stats().exposures;

    const langfuseVersion = (JSON.parse(readFileSync(join(ROOT, "node_modules/@langfuse/client/package.json"), "utf8")) as { version: string }).version;
    const ways: Way[] = [
      way("sdk: @xr2/sdk cached getPrompt (render + trace id + exposure)", xr2Call, () => client.flush()),
      way(`sdk: @langfuse/client ${langfuseVersion} cached prompt.get + compile`, langfuseCall),
      way("sdk: no SDK, fetch of the edge's get-prompt (loopback)", fetchCall),
    ];
    const roundMs = (duration * 1000) / ROUNDS;
    for (let r = 0; r < ROUNDS; r++) {
      for (const measured of ways) await measureRound(measured, Math.min(perRound, CALLS - measured.calls), roundMs);
    }

    const exposures = client.stats().exposures;
    const lostExposures = exposures.failed - exposuresBefore.failed + (exposures.dropped - exposuresBefore.dropped) + (exposures.refused - exposuresBefore.refused);
    log(`sdk: ${exposures.sent - exposuresBefore.sent} exposures sent during the rounds, ${lostExposures} failed, dropped or refused; ${notFromCache} answers not from the cache; Langfuse stand-in requests: ${standIn.requests()}`);
    const [sdkWay, langfuseWay, fetchWay] = ways as [Way, Way, Way];
    sdkWay.errors += lostExposures + notFromCache;

    const langfuseRow = row(langfuseWay, null);
    const sdkRow = row(sdkWay, langfuseRow);
    const fetchRow = row(fetchWay, sdkRow);
    return [
      { ...sdkRow, goal: "p50 and p99 ≤ baseline's", met: sdkRow.p50_ms! <= langfuseRow.p50_ms! && sdkRow.p99_ms! <= langfuseRow.p99_ms! },
      langfuseRow,
      fetchRow,
    ];
  } finally {
    await xr2?.close().catch(() => undefined);
    await langfuse?.shutdown().catch(() => undefined);
    await standIn?.close();
    await stack?.stop();
  }
}

function way(name: string, call: Call, afterRound?: () => Promise<void>): Way {
  return { name, call, ...(afterRound ? { afterRound } : {}), samples: [], roundThroughputs: [], calls: 0, wallMs: 0, errors: 0 };
}

/** Up to `calls` sequential calls within `budgetMs`, each timed; a failed call counts as an error. */
async function measureRound(measured: Way, calls: number, budgetMs: number): Promise<void> {
  const started = performance.now();
  const deadline = started + budgetMs;
  let made = 0;
  while (made < calls && performance.now() < deadline) {
    const t0 = performance.now();
    try {
      await measured.call();
      measured.samples.push(performance.now() - t0);
    } catch {
      measured.errors++;
    }
    made++;
    if (made % YIELD_EVERY === 0) await nextTurn();
  }
  const wallMs = performance.now() - started;
  measured.calls += made;
  measured.wallMs += wallMs;
  measured.roundThroughputs.push(round((made * 1000) / wallMs, 0));
  await measured.afterRound?.();
}

/** A row over all rounds' samples; `base` (when given) is what the ratios compare with. */
function row(measured: Way, base: Row | null): Row {
  const { p50, p95, p99 } = percentiles(measured.samples, 4);
  const throughput = round((measured.calls * 1000) / measured.wallMs, 0);
  return {
    name: measured.name,
    unit: "calls/s",
    throughput,
    rounds: measured.roundThroughputs,
    p50_ms: p50,
    p95_ms: p95,
    p99_ms: p99,
    errors: measured.errors,
    baseline: base?.name ?? null,
    ratio: base ? round(throughput / base.throughput, 4) : null,
    p99_ratio: base && base.p99_ms ? round(p99 / base.p99_ms, 3) : null,
    goal: null,
    met: null,
  };
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
