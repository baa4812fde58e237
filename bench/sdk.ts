/**
 * The SDK suite (issue "SDKs for apps"): what an app in Node pays for one prompt, three ways,
 * side by side in one app process (bench/sdk-app.ts, which says how they are measured):
 *  - `@xr2/sdk`, cached `getPrompt`: the template from the SDK's cache, rendered in-process with
 *    the edge's engine, a trace id minted, an exposure queued and sent in the background to the
 *    local stack's edge (POST /api/v1/exposures, through the exposure hold), as in an app;
 *  - `@langfuse/client`, cached `prompt.get` + `compile` of the same text in Langfuse's
 *    `{{mustache}}` form, fetched from a local stand-in of Langfuse's prompt endpoint
 *    (langfuse-stand-in.ts);
 *  - a plain `fetch` of the edge's get-prompt over loopback, rendered by the edge: what an app
 *    does without an SDK.
 * Goal: the xR2 SDK at least as fast as Langfuse's at the median and at p99. The fetch row is
 * compared with the SDK row: its throughput and p99 against the SDK's are the inverse of the
 * speed-up the SDK brings. This process runs the stack (its stand-ins live here) and Langfuse's
 * stand-in, starts the app process, and turns its figures into rows.
 *
 * Where the machine lets it (Linux with taskset, two cores or more), the app process runs on a
 * core of its own and this process with the whole stack on the others, as an app runs on a
 * machine of its own: otherwise workerd ingesting the SDK's exposures (a thousand batches a
 * second at these call rates) preempts the app on a shared core, and the SDK's p99 measures the
 * scheduler rather than the SDK. Langfuse's and fetch's rounds run in the same pinned process.
 *
 * Every round of every way starts only once the stack has stored every exposure sent before it
 * (this process counts them in the database and answers the app's /settle request): the edge
 * takes an exposure batch in milliseconds, but its queue consumer writes it for a good while
 * after, on the stack's core; on a VM the cores share a host, and a round that ran beside the
 * last round's ingestion measured that instead of its own way. The SDK's own exposures are held
 * during its rounds and ingested between them (startExposureHold says why).
 *
 * The app process runs with V8's young generation fixed at its usual maximum (SEMI_SPACE_MB) and
 * touched before the warm-up, and warms every way up through the loop that measures
 * (sdk-app.ts): both keep costs of the runtime's start (page faults on fresh memory, code not
 * yet optimized) out of rounds where they fell on one way or the other by chance.
 */
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import WebSocket from "ws";
import { createPoolDb } from "../db/client.ts";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HttpError, readBody } from "../local/http.ts";
import { ROOT, seedDemo, startThrowawayStack, type LocalStack } from "../local/stack.ts";
import { SDK_LIMITS } from "../workers/shared/src/product-api.ts";
import { startLangfuseStandIn, type LangfuseStandIn } from "./langfuse-stand-in.ts";
import type { AppConfig, AppResult, WayResult } from "./sdk-app.ts";
import { duration, localPostgresUrl, percentiles, round, sdkCalls, SDK_ROUND_CALLS, type Row } from "./support.ts";

const LIFTED_LIMITS = JSON.stringify({
  getPromptPerKey: { requests: 100_000_000 },
  getPromptPerWorkspace: { requests: 100_000_000 },
  eventsPerKey: { requests: 100_000_000 },
  eventsPerWorkspace: { requests: 100_000_000 },
});
/** The demo seed's published welcome-message (its version 2), and the same text written for Langfuse's mustache. */
const SLUG = "welcome-message";
const LANGFUSE_TEMPLATE = "Hi {{name}}, great to have you on {{product}}. {{#plan}}You are on the {{plan}} plan.{{/plan}}";
const VARIABLES = { name: "Ada", product: "xR2", plan: "pro" };
const CACHE_TTL_SECONDS = 60;
/** How long a /settle request waits for the stack to store what was sent. */
const SETTLE_TIMEOUT_MS = 60_000;
/**
 * The app process's rounds take about BENCH_DURATION seconds (its three warm-up rounds a third
 * more at most), and each of its rounds (three ways) first waits for the stack to store what came
 * before, a second or two (the queue consumer's batch timeout is one); this is its hard bound.
 */
const APP_TIMEOUT_MS = (duration * 3 + 60 + 3 * (Math.ceil(sdkCalls / SDK_ROUND_CALLS) + 3) * 5) * 1000;

export async function sdkSuite(log: (line: string) => void): Promise<Row[]> {
  let stack: LocalStack | undefined;
  let standIn: LangfuseStandIn | undefined;
  let settler: Awaited<ReturnType<typeof startSettler>> | undefined;
  let hold: ExposureHold | undefined;
  const cores = pinStackAwayFromApp(log);
  try {
    const databaseUrl = await localPostgresUrl();
    stack = await startThrowawayStack({
      // As in the edge suite: the machine's Postgres and Redis when they answer.
      ...(databaseUrl ? { databaseUrl } : {}),
      redisUrl: process.env.TEST_REDIS_URL ?? undefined,
      // The bench measures speed, not the limits: get-prompt's and the exposures' (events') lifted.
      devVars: { RATE_LIMIT_OVERRIDES: LIFTED_LIMITS },
      log,
    });
    const demo = await seedDemo(stack.urls.api);
    if (!demo.prompt_slugs.includes(SLUG)) throw new Error(`the demo seed no longer publishes ${SLUG} (it has ${demo.prompt_slugs.join(", ")}); update bench/sdk.ts`);
    standIn = await startLangfuseStandIn([{ name: SLUG, version: 2, prompt: LANGFUSE_TEMPLATE, labels: ["production", "latest"] }]);
    hold = await startExposureHold(stack.urls.edge);
    settler = await startSettler(stack, demo.workspace_id, hold);

    const result = await runApp({
      edgeUrl: stack.urls.edge,
      sdkBaseUrl: hold.url,
      apiKey: demo.api_key,
      slug: SLUG,
      variables: VARIABLES,
      cacheTtlSeconds: CACHE_TTL_SECONDS,
      langfuse: { baseUrl: standIn.baseUrl, publicKey: standIn.publicKey, secretKey: standIn.secretKey },
      sdkModule: buildSdk(),
      settleUrl: settler.url,
    }, cores.appCore, log);
    log(`sdk: ${result.exposuresSent} exposures sent during the rounds, ${result.exposuresLost} lost; ${result.notFromCache} SDK answers not from its cache; Langfuse stand-in requests: ${standIn.requests()}`);

    const langfuseVersion = (JSON.parse(readFileSync(join(ROOT, "node_modules/@langfuse/client/package.json"), "utf8")) as { version: string }).version;
    const measured = (key: WayResult["key"]) => result.ways.find((way) => way.key === key)!;
    const langfuseRow = row(`sdk: @langfuse/client ${langfuseVersion} cached prompt.get + compile`, measured("langfuse"), null);
    const sdk = measured("xr2");
    const sdkRow = row("sdk: @xr2/sdk cached getPrompt (render + trace id + exposure)", { ...sdk, errors: sdk.errors + result.exposuresLost + result.notFromCache }, langfuseRow);
    const fetchRow = row("sdk: no SDK, fetch of the edge's get-prompt (loopback)", measured("fetch"), sdkRow);
    return [
      { ...sdkRow, goal: "p50 and p99 ≤ baseline's", met: sdkRow.p50_ms! <= langfuseRow.p50_ms! && sdkRow.p99_ms! <= langfuseRow.p99_ms! },
      langfuseRow,
      fetchRow,
    ];
  } finally {
    await settler?.close();
    await hold?.close();
    await standIn?.close();
    await stack?.stop();
    cores.restore();
  }
}

interface ExposureHold {
  url: string;
  /** Sends what was held to the edge, one batch at a time; rejects unless the edge took every exposure. */
  release: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * The SDK's way into the edge during the rounds: a pass-through to the edge for everything but
 * POST /api/v1/exposures, whose batches it holds and answers at once in the edge's form (202, each
 * exposure accepted; it checks neither key nor items), then sends on to the edge between rounds
 * (release(), from /settle), where an exposure the edge refuses, or any answer but 202, stops
 * the run (the SDK would have counted or retried it: it must not happen here). The
 * SDK still serializes, sends and reads the answer of every batch in its rounds, as an app does;
 * the edge's ingesting them, which in production runs at Cloudflare and not on the app's host,
 * runs while no way is measured. On this two-vCPU host, work on the other vCPU slows the app's
 * (Langfuse's cached call went from p50 1.37 µs to 2.64 µs beside a busy loop there), so
 * ingesting during the SDK's rounds measured the SDK on a busier host than Langfuse: with rounds
 * rotated and 60,000 calls, its p99 came out at 1.01–1.03× of Langfuse's, p50 0.9 µs to 1.1.
 * Nothing is lost: /settle waits until the stack has stored every exposure sent, the app settles
 * once more after its last round, and close() fails if a batch is still held.
 */
async function startExposureHold(edgeUrl: string): Promise<ExposureHold> {
  const held: Array<{ body: string; authorization: string }> = [];
  const server = createServer((request, response) => {
    const answer = (status: number, body: object) => void response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const exposures = request.method === "POST" && request.url === "/api/v1/exposures";
    // The edge's own bound on an exposure batch; the prompt requests it passes on carry no body.
    readBody(request, exposures ? SDK_LIMITS.exposuresBodyBytes : 1024 * 1024)
      .then(async (body) => {
        if (exposures) {
          let items: Array<{ trace_id: string }>;
          try {
            items = (JSON.parse(body.toString()) as { exposures: Array<{ trace_id: string }> }).exposures;
            if (!Array.isArray(items)) throw new Error("no exposures list");
          } catch (error) {
            // As the edge would: refused whole, so the SDK counts the batch lost and the run says so.
            return answer(400, { error: { code: "VALIDATION_FAILED", message: `the exposure hold could not read the batch: ${String(error)}` } });
          }
          held.push({ body: body.toString(), authorization: request.headers.authorization ?? "" });
          return answer(202, { results: items.map((exposure, index) => ({ index, trace_id: exposure.trace_id, accepted: true })) });
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string" && name !== "host" && name !== "connection") headers[name] = value;
        const passedOn = await fetch(`${edgeUrl}${request.url ?? "/"}`, { method: request.method ?? "GET", headers, ...(body.length > 0 ? { body } : {}) });
        const text = await passedOn.text();
        const passed: Record<string, string> = {};
        for (const [name, value] of passedOn.headers) if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(name)) passed[name] = value;
        response.writeHead(passedOn.status, passed).end(text);
      })
      .catch((error: unknown) => answer(error instanceof HttpError ? error.status : 502, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release: async () => {
      while (held.length > 0) {
        const { body, authorization } = held.shift()!;
        const answer = await fetch(`${edgeUrl}/api/v1/exposures`, { method: "POST", headers: { authorization, "content-type": "application/json" }, body, signal: AbortSignal.timeout(SETTLE_TIMEOUT_MS) });
        const text = await answer.text();
        const refused = answer.status === 202 ? (JSON.parse(text) as { results: Array<{ accepted: boolean }> }).results.filter((result) => !result.accepted).length : -1;
        if (refused !== 0) throw new Error(`the edge answered ${answer.status} to a held exposure batch (${refused} refused): ${text.slice(0, 300)}`);
      }
    },
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      if (held.length > 0) throw new Error(`${held.length} exposure batches were held and never passed to the edge`);
    },
  };
}

/**
 * The app's /settle?exposures=N: answers 200 once the workspace holds N more exposures than when
 * this started (the SDK's sent ones and one per edge get-prompt), 504 after SETTLE_TIMEOUT_MS.
 */
async function startSettler(stack: LocalStack, workspaceId: string, hold: ExposureHold): Promise<{ url: string; close: () => Promise<void> }> {
  const { db, close } = createPoolDb({ databaseUrl: stack.urls.database, localEndpoint: stack.urls.neonEndpoint ?? undefined, webSocketConstructor: WebSocket });
  const stored = async () => (await db.execute<{ count: number }>(sql`select count(*)::int as count from exposures where workspace_id = ${workspaceId}`)).rows[0]!.count;
  let before: number;
  try {
    before = await stored();
  } catch (error) {
    await close();
    throw error;
  }
  const server = createServer((request, response) => {
    const expected = Number(new URL(request.url ?? "/", "http://settle").searchParams.get("exposures"));
    const answer = (status: number, body: object): void => void response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (!Number.isInteger(expected) || expected < 0) return answer(400, { error: "exposures must be a whole number" });
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    const poll = async (): Promise<void> => {
      const count = (await stored()) - before;
      if (count >= expected) return answer(200, { stored: count });
      if (Date.now() > deadline) return answer(504, { error: `the stack stored ${count} of ${expected} exposures in ${SETTLE_TIMEOUT_MS / 1000} s` });
      setTimeout(() => void poll().catch((error: unknown) => answer(500, { error: String(error) })), 20);
    };
    // The exposures the SDK sent during the last round reach the edge now, between rounds.
    void hold.release().then(poll).catch((error: unknown) => answer(500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/settle`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await close();
    },
  };
}

/**
 * Moves this process (and so the stack it starts) off the last core, which the app process gets
 * alone; `restore()` gives every core back for the suites after this one. Without taskset or with
 * one core, nothing is pinned and the log says so.
 */
function pinStackAwayFromApp(log: (line: string) => void): { appCore: number | null; restore: () => void } {
  const count = availableParallelism();
  const setAffinity = (cpus: string) => execFileSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });
  if (count < 2) {
    log("sdk: one core only, so the app process shares it with the stack");
    return { appCore: null, restore: () => {} };
  }
  try {
    setAffinity(`0-${count - 2}`);
  } catch {
    log("sdk: taskset is not available, so the app process shares the cores with the stack");
    return { appCore: null, restore: () => {} };
  }
  return { appCore: count - 1, restore: () => setAffinity(`0-${count - 1}`) };
}

/**
 * Builds @xr2/sdk as it is published (sdk/typescript/build.mjs, one esbuild bundle) and returns
 * its URL: the app measures the package apps install, as Langfuse's row measures its published
 * build, not sources compiled on the fly.
 */
function buildSdk(): string {
  execFileSync(process.execPath, [join(ROOT, "sdk/typescript/build.mjs")], { stdio: "ignore" });
  return pathToFileURL(join(ROOT, "sdk/typescript/dist/index.js")).href;
}

/**
 * V8's young generation, in MB per semi-space, fixed from the start at Node's default maximum.
 * V8 starts it at 1 MB and resizes it as the heap changes; memory it grows into is touched for
 * the first time, and on this VM every first touch of a page faults for about 10 µs. Calls
 * allocating there ran 12 µs each, two in three, for thousands of calls: 3 % of a way's calls
 * when it fell in its rounds, on either way at random (standalone, with no stack running). A busy
 * app's young generation sits at its maximum; this gives the app process that, and sdk-app.ts
 * touches it all before its warm-up.
 */
const SEMI_SPACE_MB = 16;

/** Starts bench/sdk-app.ts (on `appCore` alone when given) and reads its one line of results; its stderr goes to the log. */
function runApp(config: AppConfig, appCore: number | null, log: (line: string) => void): Promise<AppResult> {
  return new Promise((resolveResult, reject) => {
    const command = [join(ROOT, "node_modules/.bin/tsx"), `--min-semi-space-size=${SEMI_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`, join(ROOT, "bench/sdk-app.ts")];
    if (appCore !== null) command.unshift("taskset", "-c", String(appCore));
    const child = spawn(command[0]!, command.slice(1), {
      env: { ...process.env, SDK_BENCH_APP: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
      for (const line of chunk.toString().split("\n")) if (line) log(`[sdk-app] ${line}`);
    });
    const timeout = setTimeout(() => child.kill(), APP_TIMEOUT_MS);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timeout);
      if (code !== 0) return reject(new Error(`bench/sdk-app.ts ${signal ? `was stopped (${signal}) after ${APP_TIMEOUT_MS / 1000} s` : `exited with ${code}`}: ${stderr.trim()}`));
      try {
        resolveResult(JSON.parse(stdout.trim().split("\n").at(-1)!) as AppResult);
      } catch {
        reject(new Error(`bench/sdk-app.ts printed no result: ${stdout.slice(-500)}`));
      }
    });
  });
}

/**
 * A row: latencies over every round's calls; throughput is the median round's calls over its wall
 * time (a round of the in-process ways lasts milliseconds, so one pause of the machine moves it).
 * `base` (when given) is what the ratios compare with.
 */
function row(name: string, measured: WayResult, base: Row | null): Row {
  const throughput = percentiles(measured.roundThroughputs, 0).p50;
  return {
    name,
    unit: "calls/s",
    throughput,
    rounds: measured.roundThroughputs,
    p50_ms: measured.p50_ms,
    p95_ms: measured.p95_ms,
    p99_ms: measured.p99_ms,
    errors: measured.errors,
    baseline: base?.name ?? null,
    ratio: base ? round(throughput / base.throughput, 4) : null,
    p99_ratio: base && base.p99_ms ? round(measured.p99_ms / base.p99_ms, 3) : null,
    goal: null,
    met: null,
  };
}
