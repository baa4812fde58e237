/**
 * Delivery of events and exposures against the stand-in edge: batching, retries through 503s,
 * 429s and lost responses with every event stored exactly once, bounded attempts, per-item
 * refusals, the queue bound, flush() leaving no timer, keepalive on pagehide, and background
 * timers that do not keep a Node process alive.
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
    expect(xr2.stats().events).toEqual({ queued: 0, sent: 250, refused: 0, failed: 0, dropped: 0 });
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
    edge.refuse = (item) => (item.event_name === "Bad Name" ? "event_name must match ^[a-z0-9][a-z0-9_.:-]*$" : null);
    const xr2 = client();
    xr2.track("tr_01jf0000000000000000000000", "purchase");
    const bad = xr2.track("tr_01jf0000000000000000000000", "Bad Name");
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

  it("gives up, without retrying, a batch that cannot be serialized", async () => {
    const xr2 = client();
    xr2.track("tr_01jf0000000000000000000000", "purchase", { big: 1n as unknown as number });
    await xr2.flush();
    expect(xr2.stats().events).toMatchObject({ queued: 0, failed: 1 });
    expect(eventRequests()).toHaveLength(0);
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
    expect(run.stdout.trim().split("\n").map((line) => JSON.parse(line))).toEqual([{ queued: 1, sent: 0, refused: 0, failed: 0, dropped: 0 }]);
  });
});
