/**
 * Delivery of events and exposures against the stand-in edge: batching, retries through 503s,
 * 429s and lost responses with every event stored exactly once, bounded attempts, per-item
 * refusals, the queue bound, flush() leaving no timer, no timer cleared and no random-pool refill
 * inside the calls, keepalive on pagehide, and background timers that do not keep a Node process
 * alive.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API_KEY, EdgeStandIn } from "../test/edge-stand-in.ts";
import { XR2, type FetchLike, type XR2Options } from "./index.ts";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
let edge: EdgeStandIn;

beforeEach(async () => {
  edge = new EdgeStandIn();
  await edge.start();
});
afterEach(async () => {
  await edge.stop();
});

const client = (options: Partial<XR2Options> = {}) => new XR2({ apiKey: API_KEY, baseUrl: edge.baseUrl, ...options });
const eventRequests = () => edge.requestsTo("/api/v1/events/batch");
const batchSizes = () => eventRequests().map((request) => ((request.body as { events: unknown[] }).events ?? []).length);

describe("events", () => {
  it("sends batches of at most 100 with client ids, timestamps and the given fields", async () => {
    const xr2 = client();
    const ids = Array.from({ length: 250 }, (_, i) => xr2.track("tr_01jf0000000000000000000000", "purchase", { revenue: i }, { category: "commerce" }));
    expect(new Set(ids).size).toBe(250);
    await xr2.flush();
    expect(edge.events.size).toBe(250);
    expect(Math.max(...batchSizes())).toBeLessThanOrEqual(100);
    expect(batchSizes().reduce((a, b) => a + b, 0)).toBe(250);
    const stored = edge.events.get(ids[7]!)!;
    expect(stored).toMatchObject({ event_id: ids[7], trace_id: "tr_01jf0000000000000000000000", event_name: "purchase", category: "commerce", fields: { revenue: 7 } });
    expect(Date.parse(stored.timestamp as string)).not.toBeNaN();
    expect(xr2.stats().events).toEqual({ queued: 0, sent: 250, refused: 0, failed: 0, dropped: 0, invalid: 0 });
    expect(eventRequests()[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it("sends on its own one second after the first event, without flush()", async () => {
    const xr2 = client();
    const id = xr2.track("tr_01jf0000000000000000000000", "signup", undefined, { eventId: "my-id-1", timestamp: new Date("2026-12-06T09:00:00.000Z") });
    expect(id).toBe("my-id-1");
    for (let i = 0; i < 400 && edge.events.size === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(edge.events.get("my-id-1")).toMatchObject({ timestamp: "2026-12-06T09:00:00.000Z", event_name: "signup" });
    expect(edge.events.get("my-id-1")).not.toHaveProperty("fields");
  });

  it("delivers every event exactly once through 503s, a 429 with Retry-After and lost responses", async () => {
    edge.faults.push(
      { path: "/api/v1/events/batch", status: 503, count: 2 },
      { path: "/api/v1/events/batch", status: 503, count: 2, afterStoring: true },
      { path: "/api/v1/events/batch", status: 429, retryAfter: "1", count: 1 },
    );
    const xr2 = client({ maxSendAttempts: 8 });
    const ids = Array.from({ length: 150 }, (_, i) => xr2.track("tr_01jf0000000000000000000000", "purchase", { n: i }));
    await xr2.flush();
    expect([...edge.events.keys()].sort()).toEqual([...ids].sort());
    // The lost responses made the client resend items the edge had stored: received more than once, stored once.
    expect(edge.eventsReceived).toBeGreaterThan(150);
    expect(xr2.stats().events).toMatchObject({ sent: 150, failed: 0, queued: 0 });
    const statuses = eventRequests().map((request) => request.status);
    expect(statuses.filter((status) => status === 503)).toHaveLength(4);
    const limited = statuses.indexOf(429);
    expect(limited).toBeGreaterThanOrEqual(0);
    // Retry-After: 1 was waited out before the next attempt (a lower bound only).
    expect(eventRequests()[limited + 1]!.at - eventRequests()[limited]!.at).toBeGreaterThanOrEqual(900);
  });

  it("waits out an outage of 503s with Retry-After longer than a few attempts, losing nothing", async () => {
    // Every 503 carries Retry-After: 1; the pauses are capped small here so the test stays short.
    edge.faults.push({ path: "/api/v1/events/batch", status: 503, retryAfter: "1", count: 12 });
    const xr2 = client({ retryBaseDelayMs: 1, retryMaxDelayMs: 20 });
    const ids = Array.from({ length: 120 }, (_, i) => xr2.track("tr_01jf0000000000000000000000", "purchase", { n: i }));
    expect(await xr2.flush()).toBe(0);
    expect([...edge.events.keys()].sort()).toEqual([...ids].sort());
    expect(eventRequests().filter((request) => request.status === 503)).toHaveLength(12);
    expect(xr2.stats().events).toMatchObject({ sent: 120, failed: 0, queued: 0 });
  });

  it("gives a batch up when the retry time budget is spent, and flush({ timeoutMs }) resolves with what is left", async () => {
    edge.faults.push({ path: "/api/v1/events/batch", status: 503, count: 1_000_000 });
    const xr2 = client({ retryBaseDelayMs: 5, retryMaxDelayMs: 20, maxRetryDurationMs: 60_000 });
    for (let i = 0; i < 3; i++) xr2.track("tr_01jf0000000000000000000000", "purchase");
    expect(await xr2.flush({ timeoutMs: 200 })).toBe(3);
    expect(xr2.stats().events).toMatchObject({ queued: 3, failed: 0 });
    const shortBudget = client({ retryBaseDelayMs: 5, retryMaxDelayMs: 20, maxRetryDurationMs: 100 });
    shortBudget.track("tr_01jf0000000000000000000000", "purchase");
    expect(await shortBudget.flush()).toBe(0);
    expect(shortBudget.stats().events).toMatchObject({ queued: 0, sent: 0, failed: 1 });
    edge.faults = [];
    expect(await xr2.flush()).toBe(0);
    expect(xr2.stats().events).toMatchObject({ sent: 3, failed: 0 });
  });

  it("gives a batch up after the bounded attempts and counts it", async () => {
    edge.faults.push({ path: "/api/v1/events/batch", status: 503, count: 1_000 });
    const xr2 = client({ maxSendAttempts: 3 });
    for (let i = 0; i < 5; i++) xr2.track("tr_01jf0000000000000000000000", "purchase");
    await xr2.flush();
    expect(eventRequests()).toHaveLength(3);
    expect(xr2.stats().events).toMatchObject({ queued: 0, sent: 0, failed: 5 });
  });

  it("gives up at once on an answer that retrying cannot change (401)", async () => {
    const xr2 = new XR2({ apiKey: "xr2_revoked", baseUrl: edge.baseUrl });
    xr2.track("tr_01jf0000000000000000000000", "purchase");
    await xr2.flush();
    expect(eventRequests()).toHaveLength(1);
    expect(xr2.stats().events).toMatchObject({ failed: 1 });
  });

  it("drops and counts items refused for validation without retrying them", async () => {
    edge.refuse = (item) => (item.event_name === "not-allowed-here" ? "event_name is not accepted" : null);
    const xr2 = client();
    xr2.track("tr_01jf0000000000000000000000", "purchase");
    const bad = xr2.track("tr_01jf0000000000000000000000", "not-allowed-here")!;
    await xr2.flush();
    expect(xr2.stats().events).toMatchObject({ sent: 1, refused: 1, failed: 0 });
    expect(eventRequests()).toHaveLength(1);
    expect(edge.events.has(bad)).toBe(false);
  });

  it("splits a batch the edge finds too large (413) and delivers every part", async () => {
    const xr2 = client();
    const ids = Array.from({ length: 100 }, () => xr2.track("tr_01jf0000000000000000000000", "purchase", { note: "x".repeat(1000), more: "y".repeat(1000) }));
    await xr2.flush();
    expect([...edge.events.keys()].sort()).toEqual([...ids].sort());
    expect(eventRequests()[0]!.status).toBe(413);
    expect(xr2.stats().events).toMatchObject({ sent: 100, failed: 0 });
  });

  it("drops and counts, at track(), an event the edge would refuse, and delivers the rest of its batch", async () => {
    const xr2 = client();
    const trace = "tr_01jf0000000000000000000000";
    const good = xr2.track(trace, "purchase", { revenue: 9.99, plan: "pro", ok: true, none: null });
    const bad = [
      xr2.track(trace, "purchase", { big: 1n as unknown as number }),
      xr2.track(trace, "Bad Name"),
      xr2.track(trace, "x".repeat(65)),
      xr2.track(trace, "purchase", { "not a name": 1 }),
      xr2.track(trace, "purchase", { n: Number.NaN }),
      xr2.track(trace, "purchase", { text: "y".repeat(1025) }),
      xr2.track(trace, "purchase", { nul: "a\u0000b" }),
      xr2.track(trace, "purchase", { nested: {} as unknown as string }),
      xr2.track(trace, "purchase", Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`f${i}`, i]))),
      xr2.track(trace, "purchase", undefined, { eventId: "has space" }),
      xr2.track(trace, "purchase", undefined, { timestamp: "yesterday" }),
      xr2.track(trace, "purchase", undefined, { timestamp: Number.NaN }),
      xr2.track("", "purchase"),
    ];
    expect(bad).toEqual(Array(bad.length).fill(null));
    expect(good).toMatch(/^ev_/);
    await xr2.flush();
    expect([...edge.events.keys()]).toEqual([good]);
    expect(xr2.stats().events).toMatchObject({ sent: 1, failed: 0, invalid: bad.length });
  });

  it("bounds the queue and counts what it drops", async () => {
    const xr2 = client({ maxQueueSize: 5 });
    for (let i = 0; i < 8; i++) xr2.track("tr_01jf0000000000000000000000", "purchase");
    expect(xr2.stats().events).toMatchObject({ queued: 5, dropped: 3 });
    await xr2.flush();
    expect(xr2.stats().events).toMatchObject({ queued: 0, sent: 5, dropped: 3 });
    expect(edge.events.size).toBe(5);
  });

  it("leaves no timer running once flush() resolves", async () => {
    // Watches the timers the SDK's own modules set (Node lists unref'd timers nowhere else).
    const pending = new Set<unknown>();
    const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
    globalThis.setTimeout = ((callback: () => void, ms?: number) => {
      const ours = /sdk\/typescript\/src\/(?!.*\.test\.ts)/.test(new Error().stack ?? "");
      const handle = realSet(() => {
        pending.delete(handle);
        callback();
      }, ms);
      if (ours) pending.add(handle);
      return handle;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
      pending.delete(handle);
      realClear(handle);
    }) as typeof clearTimeout;
    try {
      edge.faults.push({ path: "/api/v1/events/batch", status: 503, count: 1 });
      const xr2 = client();
      xr2.track("tr_01jf0000000000000000000000", "purchase");
      expect(pending.size).toBe(1);
      await xr2.flush();
      expect(xr2.stats().events).toMatchObject({ sent: 1 });
      expect(pending.size).toBe(0);
      xr2.track("tr_01jf0000000000000000000000", "purchase");
      await xr2.close();
      expect(pending.size).toBe(0);
    } finally {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    }
  });
});

describe("work kept out of the calls", () => {
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it("refills the ids' random pool between batches, not inside the calls that mint ids (track(), getPrompt())", async () => {
    const xr2 = client();
    // The global Web Crypto the SDK uses (the repository's types do not declare it).
    const webCrypto = (globalThis as unknown as { crypto: { getRandomValues: (array: Uint8Array) => Uint8Array } }).crypto;
    const real = webCrypto.getRandomValues.bind(webCrypto);
    let inCalls = 0;
    let calling = false;
    webCrypto.getRandomValues = (array) => {
      if (calling) inCalls++;
      return real(array);
    };
    try {
      xr2.track("tr_01jf0000000000000000000000", "warm-up");
      await xr2.flush(); // the pool starts empty: the first id fills it
      // 1,000 ids, 100 between batches, as a busy app mints them: 4 KiB of pool would have run dry 3 times.
      for (let block = 0; block < 10; block++) {
        calling = true;
        for (let i = 0; i < 100; i++) xr2.track("tr_01jf0000000000000000000000", "purchase");
        calling = false;
        await xr2.flush();
      }
    } finally {
      webCrypto.getRandomValues = real;
    }
    expect(inCalls).toBe(0);
    expect(xr2.stats().events).toMatchObject({ queued: 0, sent: 1001 });
  });

  it("clears no timer inside a call: a full batch leaves the one-second timer armed", async () => {
    const realClear = globalThis.clearTimeout;
    let calling = false;
    const inCalls = { cleared: 0 };
    globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
      if (calling) inCalls.cleared++;
      realClear(handle);
    }) as typeof clearTimeout;
    const xr2 = client();
    try {
      for (let block = 0; block < 10; block++) {
        calling = true;
        for (let i = 0; i < 100; i++) xr2.track("tr_01jf0000000000000000000000", "purchase");
        calling = false;
        for (let i = 0; i < 50 && xr2.stats().events.queued > 0; i++) await turn();
      }
      await xr2.flush();
    } finally {
      globalThis.clearTimeout = realClear;
    }
    // Timers are still set in calls (the first waiting item's, a full batch's next turn), as many
    // as the drains' timing makes; none is cleared.
    expect(inCalls.cleared).toBe(0);
    expect(xr2.stats().events).toMatchObject({ queued: 0, sent: 1000 });
    expect(batchSizes().every((size) => size <= 100)).toBe(true);
  });
});

describe("runtimes", () => {
  it("sends what waits with keepalive when a browser page is hidden", async () => {
    const listeners = new Map<string, () => void>();
    const page = globalThis as { window?: unknown; addEventListener?: unknown; removeEventListener?: unknown };
    page.window = globalThis;
    page.addEventListener = (type: string, listener: () => void) => listeners.set(type, listener);
    page.removeEventListener = (type: string) => listeners.delete(type);
    const keepalive: boolean[] = [];
    const observed: FetchLike = (url, init) => {
      keepalive.push(init.keepalive === true);
      return fetch(url, init as RequestInit);
    };
    try {
      const xr2 = client({ fetch: observed });
      xr2.track("tr_01jf0000000000000000000000", "purchase");
      listeners.get("pagehide")!();
      for (let i = 0; i < 400 && edge.events.size === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(edge.events.size).toBe(1);
      expect(keepalive).toEqual([true]);
      await xr2.close();
      expect(listeners.has("pagehide")).toBe(false);
    } finally {
      delete page.window;
      delete page.addEventListener;
      delete page.removeEventListener;
    }
  });

  it("keeps keepalive sends on pagehide within ~60 KB in flight; what does not fit stays queued", async () => {
    const listeners = new Map<string, () => void>();
    const page = globalThis as { window?: unknown; addEventListener?: unknown; removeEventListener?: unknown };
    page.window = globalThis;
    page.addEventListener = (type: string, listener: () => void) => listeners.set(type, listener);
    page.removeEventListener = (type: string) => listeners.delete(type);
    let keepaliveBytes = 0;
    const observed: FetchLike = (url, init) => {
      if (init.keepalive) keepaliveBytes += new TextEncoder().encode(init.body ?? "").length;
      return fetch(url, init as RequestInit);
    };
    try {
      const xr2 = client({ fetch: observed });
      // 90 events of about 1.3 KB (multi-byte text): some 117 KB, more than a page may send at once.
      for (let i = 0; i < 90; i++) xr2.track("tr_01jf0000000000000000000000", "purchase", { note: "é".repeat(600) });
      listeners.get("pagehide")!();
      expect(keepaliveBytes).toBeGreaterThan(0);
      expect(keepaliveBytes).toBeLessThanOrEqual(60_000);
      expect(keepaliveBytes).toBeGreaterThan(40_000);
      expect(xr2.stats().events.queued).toBe(90); // waiting, or in flight
      await xr2.close();
      for (let i = 0; i < 400 && edge.events.size < 90; i++) await new Promise((resolve) => setTimeout(resolve, 25)); // keepalive sends settle on their own
      expect(edge.events.size).toBe(90);
      expect(keepaliveBytes).toBeLessThanOrEqual(60_000);
    } finally {
      delete page.window;
      delete page.addEventListener;
      delete page.removeEventListener;
    }
  });

  it("does not keep a Node process alive with queued items", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "xr2-sdk-exit-"));
    const bundle = join(scratch, "sdk.mjs");
    await build({ entryPoints: [join(packageDir, "src/index.ts")], bundle: true, format: "esm", platform: "neutral", outfile: bundle });
    // Had the one-second batch timer held the process, it would fire and call fetch before exit.
    const script = `
      import { XR2 } from ${JSON.stringify(bundle)};
      const fetch = () => { console.log("fetch called"); return new Promise(() => {}); };
      const xr2 = new XR2({ apiKey: "xr2_x", baseUrl: "http://127.0.0.1:9", fetch });
      xr2.track("tr_01jf0000000000000000000000", "purchase");
      console.log(JSON.stringify(xr2.stats().events));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
    rmSync(scratch, { recursive: true, force: true });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split("\n").map((line) => JSON.parse(line))).toEqual([{ queued: 1, sent: 0, refused: 0, failed: 0, dropped: 0, invalid: 0 }]);
  });
});
