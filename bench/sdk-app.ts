/**
 * The app process of the SDK suite (bench/sdk.ts starts it): the three ways of getting a
 * rendered prompt, measured in a Node process of their own, as in an app, so that the stack's
 * in-process stand-ins (Neon, Upstash, QStash) never run on the measured event loop.
 *
 * Input: the SDK_BENCH_APP environment variable, JSON of AppConfig. Output: one JSON line of
 * AppResult on stdout. Each way's first call fetches; then WARM_UP_ROUNDS alternating rounds of
 * every way run through the very loop that measures, their figures thrown away, so that the ways'
 * code and the loop's own are optimized before any call counts (see WARM_UP_ROUNDS); then the ways
 * are measured in alternating rounds (xR2, Langfuse, fetch; Langfuse, fetch, xR2; … in ORDERS) of up to
 * ROUND_CALLS sequential awaited calls, each timed with performance.now(). A way makes at most
 * BENCH_SDK_CALLS calls (default 60,000: thirty rounds, so that no few rounds in a phase of the
 * machine decide its p99) and spends at most BENCH_DURATION seconds in all.
 * Every 100 calls the loop yields to the event loop, as an app between requests does, so the
 * SDK's background exposure sends run during its rounds and count in its wall time (they go to
 * the parent's exposure hold, which answers with the edge's 202 and per-item results and passes
 * them on between rounds);
 * exposures still queued at the end of a round are flushed untimed, and every round waits
 * (untimed) until the stack has stored every exposure sent so far (the parent's /settle), so the
 * stack is idle when any way's round starts.
 * Besides the result, it writes to stderr (the bench log) how much garbage collection fell in
 * each way's rounds, how many exposures waited in the SDK's queue at most, where each way's
 * slowest 1 % of calls fell after the loop's yields, and how long the SDK's first call after a
 * turn took by what its sends did in that turn: what a tail that the calls' own work does not
 * explain is made of.
 */
import { performance, PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { LangfuseClient } from "@langfuse/client";
import type { FetchLike, XR2 as XR2Client } from "../sdk/typescript/src/index.ts";
import { duration, percentiles, round, sdkCalls, SDK_ROUND_CALLS } from "./support.ts";

export interface AppConfig {
  edgeUrl: string;
  /** Where the SDK sends its requests: the edge, through bench/sdk.ts's exposure hold. */
  sdkBaseUrl: string;
  apiKey: string;
  slug: string;
  variables: Record<string, string>;
  cacheTtlSeconds: number;
  langfuse: { baseUrl: string; publicKey: string; secretKey: string };
  /** The built package (sdk/typescript/dist/index.js), as apps run it: imported by URL. */
  sdkModule: string;
  /** The parent's /settle: answers once the stack has stored `?exposures=` exposures since it started. */
  settleUrl: string;
}

export interface WayResult {
  key: "xr2" | "langfuse" | "fetch";
  calls: number;
  wallMs: number;
  roundThroughputs: number[];
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  errors: number;
}

export interface AppResult {
  ways: WayResult[];
  /** Exposures the SDK sent during the rounds, and those it lost (failed, dropped or refused). */
  exposuresSent: number;
  exposuresLost: number;
  /** SDK answers that did not come from its cache (counted as errors of its row). */
  notFromCache: number;
}

const CALLS = sdkCalls;
/**
 * Rounds of every way, alternating as the measured ones do, run before the measured rounds and
 * thrown away. V8 optimizes a function once it has run often enough for its size: getPrompt's
 * largest functions reached TurboFan only in the second round of 2,000 calls after 2,000 warm-up
 * calls, and the measuring loop itself was compiled anew (55 ms on the app's one core) when it
 * first ran and again when it first met the second way. Warm-up calls made outside that loop left
 * both to the first measured rounds, whose calls then ran half-optimized beside the compiler: ten
 * times their later p99 (46 µs against 4, with the stack stopped), a first-round cost that fell
 * on whichever way had the most code to optimize. Three rounds take every way and the loop to
 * their optimized code (`node --trace-opt` shows no compilation after them).
 */
const WARM_UP_ROUNDS = 3;
/** The orders of the three ways' rounds, taken in turn; over six rounds each way follows each other way twice. */
const ORDERS = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0], [1, 0, 2]] as const;
const YIELD_EVERY = 100;
/**
 * Calls per round of a way (SDK_ROUND_CALLS, 2,000): a few milliseconds of cached calls, so that
 * the ways alternate often enough for a phase of the machine (the other core's work, the host's)
 * to fall on each about alike, where three long rounds put whole phases on one way; and long
 * enough for the SDK to send four exposure batches of 500 within its round, as an app's calls run
 * beside its sends.
 */
const ROUND_CALLS = SDK_ROUND_CALLS;
const ROUNDS = Math.ceil(CALLS / ROUND_CALLS);

/** One way of getting a rendered prompt; resolves with its text, or throws. */
type Call = () => Promise<string | null>;

interface Way {
  key: WayResult["key"];
  call: Call;
  /** Untimed work after each round (the SDK's exposure flush). */
  afterRound?: () => Promise<void>;
  samples: number[];
  /** Each sample's place among the calls since the loop last yielded (0: the first after a turn); the in-process ways only. */
  positions: number[];
  roundThroughputs: number[];
  /** performance.now() spans of its rounds, to attribute garbage collections to it. */
  spans: Array<[number, number]>;
  /** What the way did on the network in the turn before a call (takeNetworkWork's flags), read at each turn: the SDK only. */
  turnWork?: () => number;
  /** The first calls after turns, by that work. */
  afterTurns: Map<number, number[]>;
  calls: number;
  wallMs: number;
  errors: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.SDK_BENCH_APP ?? "null") as AppConfig | null;
  if (!config) throw new Error("bench/sdk-app.ts is started by bench/sdk.ts, with SDK_BENCH_APP set");
  const { slug, variables, cacheTtlSeconds } = config;
  const perRound = ROUND_CALLS;
  const { XR2 } = (await import(config.sdkModule)) as { XR2: typeof XR2Client };
  const client = new XR2({
    fetch: noteNetworkWork,
    apiKey: config.apiKey,
    baseUrl: config.sdkBaseUrl,
    environment: "production",
    source: "bench",
    cacheTtlSeconds,
    // A round's exposures all fit in the queue (each round ends with a flush); the parent checks that none was lost.
    maxQueueSize: perRound + YIELD_EVERY,
  });
  const langfuse = new LangfuseClient(config.langfuse);
  const url = `${config.edgeUrl}/api/v1/get-prompt/${slug}?${Object.entries(variables).map(([name, value]) => `var.${name}=${encodeURIComponent(value)}`).join("&")}`;
  const headers = { authorization: `Bearer ${config.apiKey}` };

  let notFromCache = 0;
  // Exposures the stack will store: one per edge get-prompt; the SDK's are read from its stats.
  let edgeExposures = 0;
  const xr2Call: Call = async () => {
    const prompt = await client.getPrompt(slug, { variables });
    if (prompt.origin !== "cache") notFromCache++;
    return prompt.content;
  };
  const langfuseCall: Call = async () => (await langfuse.prompt.get(slug, { cacheTtlSeconds })).compile(variables);
  const fetchCall: Call = async () => {
    const response = await fetch(url, { headers });
    if (response.ok) edgeExposures++; // the edge stores one for each prompt it serves
    const body = (await response.json()) as { content?: string | null };
    if (!response.ok) throw new Error(`get-prompt answered ${response.status}: ${JSON.stringify(body)}`);
    return body.content ?? null;
  };

  // The first call of each fetches; all three must render the same text, or the comparison is void.
  const first = await client.getPrompt(slug, { variables });
  if (first.origin !== "network") throw new Error(`the SDK's first getPrompt came from ${first.origin}, not the network`);
  const texts = [first.content, await langfuseCall(), await fetchCall()];
  if (new Set(texts).size !== 1) throw new Error(`the three ways render different texts, so the templates are not equivalent: ${JSON.stringify(texts)}`);
  const settle = async () => {
    const expected = client.stats().exposures.sent + edgeExposures;
    const answer = await fetch(`${config.settleUrl}?exposures=${expected}`);
    if (!answer.ok) throw new Error(`waiting for the stack to store ${expected} exposures: ${answer.status} ${await answer.text()}`);
  };

  let backlog = 0;
  const sampleBacklog = () => void (backlog = Math.max(backlog, client.stats().exposures.queued));
  const ways = () => [{ ...way("xr2", xr2Call, async () => void (await client.flush())), turnWork: takeNetworkWork }, way("langfuse", langfuseCall), way("fetch", fetchCall)];
  const roundMs = (duration * 1000) / ROUNDS;
  // Warm-up rounds make whole rounds; the measured ones stop at CALLS.
  const rounds = async (of: Way[], count: number, limit: number) => {
    for (let r = 0; r < count; r++) {
      for (let w = 0; w < of.length; w++) {
        // The six orders in turn, so that each way follows each other way as often: a round
        // inherits the garbage the one before it left (the fetch round's the most).
        const measured = of[ORDERS[r % ORDERS.length]![w]!]!;
        await measureRound(measured, settle, Math.min(perRound, limit - measured.calls), roundMs, measured.key === "xr2" ? sampleBacklog : undefined);
      }
    }
  };

  touchYoungGeneration();
  const warmUp = ways();
  await rounds(warmUp, WARM_UP_ROUNDS, Infinity);
  const failed = warmUp.filter((measured) => measured.errors > 0).map((measured) => `${measured.key} ${measured.errors}`);
  if (failed.length > 0) throw new Error(`calls failed during the warm-up (${failed.join(", ")}), so the rounds would not measure what they name`);
  notFromCache = 0;
  backlog = 0;
  const before = client.stats().exposures;

  const gcs: Array<[number, number]> = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcs.push([entry.startTime, entry.startTime + entry.duration]);
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  const measuredWays = ways();
  await rounds(measuredWays, ROUNDS, CALLS);
  await settle(); // the last round's exposures too reach the edge and are stored, untimed
  await nextTurn(); // the observer's last entries
  gcObserver.disconnect();
  for (const measured of measuredWays) {
    const within = gcs.filter(([start]) => measured.spans.some(([from, to]) => start >= from && start < to));
    const ms = within.reduce((sum, [start, end]) => sum + end - start, 0);
    console.error(`${measured.key}: ${within.length} garbage collections (${round(ms, 1)} ms) during its rounds${measured.key === "xr2" ? `; up to ${backlog} exposures waited in the queue` : ""}`);
    // Every fetch awaits the network, so each of its calls follows a turn: places mean nothing there.
    if (measured.key !== "fetch") console.error(`${measured.key}: ${tailPlaces(measured)}`);
    if (measured.turnWork) console.error(`${measured.key}: ${afterTurns(measured)}`);
  }

  const after = client.stats().exposures;
  await client.close();
  await langfuse.shutdown();
  const result: AppResult = {
    ways: measuredWays.map((measured) => {
      const { p50, p95, p99 } = percentiles(measured.samples, 4);
      return { key: measured.key, calls: measured.calls, wallMs: measured.wallMs, roundThroughputs: measured.roundThroughputs, p50_ms: p50, p95_ms: p95, p99_ms: p99, errors: measured.errors };
    }),
    exposuresSent: after.sent - before.sent,
    exposuresLost: after.failed - before.failed + (after.dropped - before.dropped) + (after.refused - before.refused),
    notFromCache,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

/**
 * Where a way's slowest 1% of calls fell: right after the loop yielded (where background work that
 * ran in the turn, such as the SDK's sends, would leave cold caches), in the four calls after it,
 * or later. About 1 % of a way's calls come first after a turn, so a tail made by the turns would
 * crowd the first count.
 */
function tailPlaces(measured: Way): string {
  const slowest = measured.samples.map((ms, i) => [ms, i] as const).sort((a, b) => b[0] - a[0]).slice(0, Math.floor(measured.samples.length / 100));
  const counts = [0, 0, 0];
  for (const [, i] of slowest) {
    const place = measured.positions[i]!;
    counts[place === 0 ? 0 : place < 5 ? 1 : 2]!++;
  }
  const fastest = slowest.at(-1)?.[0] ?? 0;
  return `its slowest ${slowest.length} calls (${round(fastest * 1000, 2)} µs and over): ${counts[0]} first after a turn of the event loop (1 % of calls are), ${counts[1]} in the four after it (4 %), ${counts[2]} later (95 %)`;
}

/** Flags of the SDK's network work since they were last taken: 1, a request started; 2, an answer's body was read. */
let networkWork = 0;
/** Added to a round's first call's flags: it follows the flush, the settle and other ways' rounds, not a turn of its own loop. */
const ROUND_START = 4;

/**
 * The SDK's fetch: the global one, noting when a request starts and when its answer's body has
 * been read (the SDK parses it next), so that the first call after each turn can be told apart
 * by what the SDK's requests (exposure batches; a prompt's refresh at most once a minute) did in
 * that turn (afterTurns).
 */
function noteNetworkWork(url: string, init: Parameters<FetchLike>[1]): ReturnType<FetchLike> {
  networkWork |= 1;
  return fetch(url, init as RequestInit).then((response) => ({
    status: response.status,
    headers: response.headers,
    text: () =>
      response.text().then((text) => {
        networkWork |= 2;
        return text;
      }),
  }));
}

function takeNetworkWork(): number {
  const work = networkWork;
  networkWork = 0;
  return work;
}

/**
 * The median of the first calls after a turn, by what the SDK's sends did in that turn: the
 * cost an exposure batch leaves for the app's next call (undici's request and answer leave the
 * caches cold), which falls within the SDK's tail.
 */
function afterTurns(measured: Way): string {
  const names = ["no network work", "a request started", "an answer read", "a request started and an answer read"];
  const parts = [...measured.afterTurns].sort(([a], [b]) => a - b).map(([work, samples]) => {
    const name = work & ROUND_START ? `a round's first call (${names[work & 3]} since the last)` : names[work];
    return `${name} ${samples.length} (median ${round(percentiles(samples, 6).p50 * 1000, 2)} µs)`;
  });
  return `first calls after a turn, by the SDK's network work in it: ${parts.join("; ")}`;
}

/** Where touchYoungGeneration's garbage goes, so that no compiler can leave it unallocated. */
export let sink: unknown;

/**
 * Allocates short-lived garbage for four times the young generation (fixed in size by bench/sdk.ts),
 * so that every page of both its halves has been touched, and page-faulted in, before any call is
 * timed: a busy app's young generation is all in memory.
 */
function touchYoungGeneration(): void {
  const youngBytes = getHeapSpaceStatistics().find((space) => space.space_name === "new_space")?.space_size ?? 0;
  for (let allocated = 0; allocated < 4 * youngBytes; allocated += 1024) sink = new Array(120).fill(0);
  sink = null;
}

function way(key: Way["key"], call: Call, afterRound?: () => Promise<void>): Way {
  return { key, call, ...(afterRound ? { afterRound } : {}), samples: [], positions: [], roundThroughputs: [], spans: [], afterTurns: new Map(), calls: 0, wallMs: 0, errors: 0 };
}

/**
 * After `settle` (untimed), up to `calls` sequential calls within `budgetMs`, each timed; a failed
 * call counts as an error. `atTurn` runs at each yield.
 */
async function measureRound(measured: Way, settle: () => Promise<void>, calls: number, budgetMs: number, atTurn?: () => void): Promise<void> {
  await settle();
  const started = performance.now();
  const deadline = started + budgetMs;
  let made = 0;
  while (made < calls && performance.now() < deadline) {
    const taken = made % YIELD_EVERY === 0 ? measured.turnWork?.() : undefined;
    const work = taken !== undefined && made === 0 ? taken | ROUND_START : taken;
    const t0 = performance.now();
    try {
      await measured.call();
      const ms = performance.now() - t0;
      measured.samples.push(ms);
      measured.positions.push(made % YIELD_EVERY);
      if (work !== undefined) {
        let after = measured.afterTurns.get(work);
        if (!after) measured.afterTurns.set(work, (after = []));
        after.push(ms);
      }
    } catch {
      measured.errors++;
    }
    made++;
    if (made % YIELD_EVERY === 0) {
      atTurn?.();
      await nextTurn();
    }
  }
  const wallMs = performance.now() - started;
  measured.spans.push([started, started + wallMs]);
  measured.calls += made;
  measured.wallMs += wallMs;
  measured.roundThroughputs.push(round((made * 1000) / wallMs, 0));
  await measured.afterRound?.();
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
