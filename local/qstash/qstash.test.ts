// Contract tests for the local QStash, driven by the real @upstash/qstash 2.12 Client and Receiver
// against a recording destination server: if these pass, app code written against real QStash
// works unchanged against the local one.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client, QstashError, Receiver } from "@upstash/qstash";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { QSTASH_DEV_DEFAULTS, startQStash, type QStashServer } from "./index.ts";

interface Received {
  path: string;
  /** Path and query, as requested. */
  target: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
  respondedAt?: number;
}

/** A destination that records every request; `plans` scripts status codes and latency per path. */
async function startDestination() {
  const received: Received[] = [];
  const plans = new Map<string, { statuses?: number[]; delayMs?: number }>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const target = request.url ?? "/";
      const path = target.split("?")[0] ?? target;
      const record: Received = {
        path,
        target,
        method: request.method ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
      };
      received.push(record);
      const plan = plans.get(path);
      const timer = setTimeout(() => {
        timers.delete(timer);
        record.respondedAt = Date.now();
        response.writeHead(plan?.statuses?.shift() ?? 200, { "content-type": "text/plain" });
        response.end(`answer from ${path}`);
      }, plan?.delayMs ?? 0);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    plans,
    hits: (path: string) => received.filter((request) => request.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The local server adds `state` to the client's Message shape. */
async function messageState(messageId: string): Promise<string | undefined> {
  return ((await client.messages.get(messageId)) as { state?: string }).state;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let qstash: QStashServer;
let destination: Awaited<ReturnType<typeof startDestination>>;
let client: Client;
let receiver: Receiver;
const logLines: string[] = [];

beforeAll(async () => {
  // The client console.errors every non-2xx before throwing; the tests assert on the throw instead.
  vi.spyOn(console, "error").mockImplementation(() => {});
  qstash = await startQStash({ retryBaseDelayMs: 40, log: (line) => logLines.push(line) });
  destination = await startDestination();
  client = new Client({ baseUrl: qstash.url, token: qstash.token, enableTelemetry: false, devMode: false });
  receiver = new Receiver({ currentSigningKey: qstash.currentSigningKey, nextSigningKey: qstash.nextSigningKey, devMode: false });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await qstash.close();
  await destination.close();
});

async function rawRequest(method: string, path: string, init: { token?: string; headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${qstash.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${init.token ?? qstash.token}`, ...init.headers },
    body: init.body,
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

describe("keys and auth", () => {
  it("serves the development defaults and the signing keys", async () => {
    expect(qstash).toMatchObject(QSTASH_DEV_DEFAULTS);
    expect(await rawRequest("GET", "/v2/keys")).toEqual({
      status: 200,
      json: { current: QSTASH_DEV_DEFAULTS.currentSigningKey, next: QSTASH_DEV_DEFAULTS.nextSigningKey },
    });
  });

  it("is what the client's own dev mode (QSTASH_DEV) talks to, with no config", async () => {
    const dev = await startQStash();
    vi.stubEnv("QSTASH_DEV_PORT", new URL(dev.url).port);
    try {
      // The client's own health check, asserted first: if it failed, the client would try to
      // download the real QStash binary instead.
      const keys = await fetch(`${dev.url}/v2/keys`, { headers: { authorization: `Bearer ${QSTASH_DEV_DEFAULTS.token}` } });
      expect(await keys.json()).toEqual({ current: QSTASH_DEV_DEFAULTS.currentSigningKey, next: QSTASH_DEV_DEFAULTS.nextSigningKey });
      const devClient = new Client({ devMode: true, enableTelemetry: false });
      const url = `${destination.url}/dev-mode`;
      await devClient.publishJSON({ url, body: { dev: true } });
      const [delivery] = await waitFor(() => destination.hits("/dev-mode").length === 1 && destination.hits("/dev-mode"));
      const devReceiver = new Receiver({ devMode: true });
      await expect(devReceiver.verify({ signature: String(delivery?.headers["upstash-signature"]), body: delivery?.body ?? "", url })).resolves.toBe(true);
    } finally {
      vi.unstubAllEnvs();
      await dev.close();
    }
  });

  it("rejects a bad token with 401 and the client throws", async () => {
    expect(await rawRequest("GET", "/v2/keys", { token: "wrong" })).toEqual({ status: 401, json: { error: "unauthorized" } });
    const intruder = new Client({ baseUrl: qstash.url, token: "wrong", retry: false, devMode: false });
    const error = await intruder.publishJSON({ url: `${destination.url}/never`, body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QstashError);
    expect((error as QstashError).status).toBe(401);
    await expect(intruder.schedules.list()).rejects.toThrow(/unauthorized/);
    await sleep(100);
    expect(destination.hits("/never")).toHaveLength(0);
  });
});

describe("publish and delivery", () => {
  it("delivers publishJSON with a signature the real Receiver accepts", async () => {
    const url = `${destination.url}/signed?tenant=a&x=1`;
    const { messageId } = await client.publishJSON({ url, body: { hello: "world" } });
    const [delivery] = await waitFor(() => destination.hits("/signed").length === 1 && destination.hits("/signed"));
    expect(delivery).toMatchObject({
      target: "/signed?tenant=a&x=1",
      method: "POST",
      body: JSON.stringify({ hello: "world" }),
    });
    expect(delivery?.headers).toMatchObject({
      "content-type": "application/json",
      "upstash-message-id": messageId,
      "upstash-retried": "0",
    });
    expect(delivery?.headers["upstash-schedule-id"]).toBeUndefined();
    expect(delivery?.headers.authorization).toBeUndefined();
    const signature = String(delivery?.headers["upstash-signature"]);
    await expect(receiver.verify({ signature, body: delivery?.body ?? "", url })).resolves.toBe(true);

    const claims = decodeJwt(signature);
    expect(claims).toMatchObject({ iss: "Upstash", sub: url });
    expect(claims.body).toMatch(/^[A-Za-z0-9_-]{43}$/); // base64url SHA-256, no padding
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.jti).toEqual(expect.any(String));
    expect(Math.abs((claims.iat ?? 0) - Date.now() / 1000)).toBeLessThan(5);
  });

  it("signatures do not verify for a tampered body, another url or other keys", async () => {
    const url = `${destination.url}/tamper`;
    await client.publish({ url, body: "original body", headers: { "content-type": "text/plain" } });
    const [delivery] = await waitFor(() => destination.hits("/tamper").length === 1 && destination.hits("/tamper"));
    const signature = String(delivery?.headers["upstash-signature"]);
    await expect(receiver.verify({ signature, body: "original body", url })).resolves.toBe(true);
    await expect(receiver.verify({ signature, body: "original body!", url })).rejects.toThrow(/body hash/);
    await expect(receiver.verify({ signature, body: "original body", url: `${url}?x=1` })).rejects.toThrow(/subject/);
    const stranger = new Receiver({ currentSigningKey: "sig_other", nextSigningKey: "sig_another", devMode: false });
    await expect(stranger.verify({ signature, body: "original body", url })).rejects.toThrow();
  });

  it("forwards headers without the prefix and honours the method", async () => {
    await client.publish({
      url: `${destination.url}/forwarded`,
      method: "PUT",
      body: "payload",
      headers: { "X-Custom": "abc", Authorization: "Bearer for-the-destination", "content-type": "text/plain" },
    });
    const [delivery] = await waitFor(() => destination.hits("/forwarded").length === 1 && destination.hits("/forwarded"));
    expect(delivery?.method).toBe("PUT");
    expect(delivery?.headers).toMatchObject({
      "x-custom": "abc",
      authorization: "Bearer for-the-destination",
      "content-type": "text/plain",
    });
    expect(Object.keys(delivery?.headers ?? {}).filter((name) => name.startsWith("upstash-forward-"))).toEqual([]);
  });

  it("retries a failing destination with Upstash-Retried counting up, then succeeds", async () => {
    destination.plans.set("/flaky", { statuses: [500, 503] });
    const { messageId } = await client.publishJSON({ url: `${destination.url}/flaky`, body: { n: 1 }, retries: 3 });
    await waitFor(() => destination.hits("/flaky").length === 3);
    const attempts = destination.hits("/flaky");
    expect(attempts.map((a) => a.headers["upstash-retried"])).toEqual(["0", "1", "2"]);
    expect(new Set(attempts.map((a) => a.headers["upstash-message-id"]))).toEqual(new Set([messageId]));
    // Exponential backoff: 40 ms, then 80 ms.
    const gaps = attempts.slice(1).map((a, i) => a.receivedAt - (attempts[i]?.receivedAt ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    await waitFor(async () => (await messageState(messageId)) === "DELIVERED");
    expect(await client.messages.get(messageId)).toMatchObject({ state: "DELIVERED", retried: 2 });
    await sleep(300);
    expect(destination.hits("/flaky")).toHaveLength(3);
  });

  it("gives up after the retries, marks the message failed and calls the failure callback", async () => {
    destination.plans.set("/broken", { statuses: [500, 500, 500] });
    const { messageId } = await client.publishJSON({
      url: `${destination.url}/broken`,
      body: { n: 2 },
      retries: 1,
      failureCallback: `${destination.url}/failed`,
    });
    const [callback] = await waitFor(() => destination.hits("/failed").length === 1 && destination.hits("/failed"));
    expect(destination.hits("/broken")).toHaveLength(2);
    const payload = JSON.parse(callback?.body ?? "{}") as Record<string, unknown>;
    expect(payload).toMatchObject({ status: 500, retried: 1, maxRetries: 1, sourceMessageId: messageId, url: `${destination.url}/broken` });
    expect(Buffer.from(String(payload.sourceBody), "base64").toString()).toBe(JSON.stringify({ n: 2 }));
    expect(Buffer.from(String(payload.body), "base64").toString()).toBe("answer from /broken");
    const signature = String(callback?.headers["upstash-signature"]);
    await expect(receiver.verify({ signature, body: callback?.body ?? "", url: `${destination.url}/failed` })).resolves.toBe(true);
    expect(await client.messages.get(messageId)).toMatchObject({ state: "FAILED" });
  });

  it("calls the success callback with the destination's answer", async () => {
    const { messageId } = await client.publish({ url: `${destination.url}/ok`, body: "hi", callback: `${destination.url}/done` });
    const [callback] = await waitFor(() => destination.hits("/done").length === 1 && destination.hits("/done"));
    const payload = JSON.parse(callback?.body ?? "{}") as Record<string, unknown>;
    expect(payload).toMatchObject({ status: 200, retried: 0, sourceMessageId: messageId });
    expect(Buffer.from(String(payload.body), "base64").toString()).toBe("answer from /ok");
  });

  it("stops retrying when the destination answers 489 with Upstash-NonRetryable-Error", async () => {
    let hits = 0;
    const server = createServer((_request, response) => {
      hits += 1;
      response.writeHead(489, { "upstash-nonretryable-error": "true" });
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/refuse`;
    try {
      const { messageId } = await client.publish({ url, body: "x", retries: 3 });
      await waitFor(async () => (await messageState(messageId)) === "FAILED");
      await sleep(300);
      expect(hits).toBe(1);
      expect(await client.messages.get(messageId)).toMatchObject({ state: "FAILED", retried: 0 });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("timing", () => {
  it("honours Upstash-Delay and Upstash-Not-Before", async () => {
    const publishedAt = Date.now();
    const delayed = await client.publish({ url: `${destination.url}/delayed`, body: "d", delay: "1s" });
    const notBefore = Math.ceil(publishedAt / 1000) + 1;
    await client.publish({ url: `${destination.url}/not-before`, body: "n", notBefore });
    // Read before its second is up (a stalled machine may take longer; then only the delivery time is checked).
    const message = await client.messages.get(delayed.messageId);
    if (Date.now() - publishedAt < 1_000) expect(message).toMatchObject({ state: "CREATED" });
    const [first] = await waitFor(() => destination.hits("/delayed").length === 1 && destination.hits("/delayed"));
    expect((first?.receivedAt ?? 0) - publishedAt).toBeGreaterThanOrEqual(1_000);
    const [second] = await waitFor(() => destination.hits("/not-before").length === 1 && destination.hits("/not-before"));
    expect(second?.receivedAt).toBeGreaterThanOrEqual(notBefore * 1000);
  });

  it("cancels a pending message so it is never delivered", async () => {
    const { messageId } = await client.publish({ url: `${destination.url}/cancelled`, body: "c", delay: 1 });
    const pending = await client.messages.get(messageId);
    expect(pending).toMatchObject({ messageId, url: `${destination.url}/cancelled`, state: "CREATED" });
    expect(pending.notBefore).toBeGreaterThan(pending.createdAt + 900);
    await client.messages.delete(messageId);
    expect(await client.messages.get(messageId)).toMatchObject({ state: "CANCELED" });
    await expect(client.messages.cancel(messageId)).rejects.toMatchObject({ status: 404 });
    await expect(client.messages.delete(messageId)).rejects.toMatchObject({ status: 404 });
    await sleep(1_300);
    expect(destination.hits("/cancelled")).toHaveLength(0);
  });
});

describe("batch, queues and deduplication", () => {
  it("publishes a batch", async () => {
    const results = await client.batchJSON([
      { url: `${destination.url}/batch-a`, body: { a: 1 } },
      { url: `${destination.url}/batch-b`, body: { b: 2 }, headers: { "X-Batch": "yes" } },
    ]);
    expect(results).toHaveLength(2);
    const [a] = await waitFor(() => destination.hits("/batch-a").length === 1 && destination.hits("/batch-a"));
    const [b] = await waitFor(() => destination.hits("/batch-b").length === 1 && destination.hits("/batch-b"));
    expect(a?.headers["upstash-message-id"]).toBe(results[0]?.messageId);
    expect(b?.headers).toMatchObject({ "upstash-message-id": results[1]?.messageId, "x-batch": "yes", "content-type": "application/json" });
    expect(b?.body).toBe(JSON.stringify({ b: 2 }));
    await expect(receiver.verify({ signature: String(b?.headers["upstash-signature"]), body: b?.body ?? "", url: `${destination.url}/batch-b` })).resolves.toBe(true);
  });

  it("delivers a queue's messages one at a time, in order", async () => {
    destination.plans.set("/queued", { delayMs: 80 });
    const queue = client.queue({ queueName: "emails" });
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await queue.enqueueJSON({ url: `${destination.url}/queued`, body: { n } })).messageId);
    const hits = await waitFor(() => destination.hits("/queued").length === 3 && destination.hits("/queued"));
    await waitFor(() => hits.every((hit) => hit.respondedAt !== undefined));
    expect(hits.map((hit) => hit.headers["upstash-message-id"])).toEqual(ids);
    for (let i = 1; i < hits.length; i++) {
      expect(hits[i]?.receivedAt).toBeGreaterThanOrEqual(hits[i - 1]?.respondedAt ?? Infinity);
    }
    expect(await client.messages.get(ids[0] ?? "")).toMatchObject({ queueName: "emails" });
  });

  it("deduplicates by Upstash-Deduplication-Id", async () => {
    const first = await client.publish({ url: `${destination.url}/dedup`, body: "1", deduplicationId: "order-42" });
    const second = await client.publish({ url: `${destination.url}/dedup`, body: "2", deduplicationId: "order-42" });
    expect(second).toMatchObject({ messageId: first.messageId, deduplicated: true });
    await waitFor(() => destination.hits("/dedup").length === 1);
    await sleep(200);
    expect(destination.hits("/dedup").map((hit) => hit.body)).toEqual(["1"]);
  });
});

describe("schedules", () => {
  beforeEach(async () => {
    for (const schedule of await client.schedules.list()) await client.schedules.delete(schedule.scheduleId);
  });

  it("fires every second with Upstash-Schedule-Id and a valid signature", async () => {
    const url = `${destination.url}/tick`;
    const { scheduleId } = await client.schedules.create({ destination: url, cron: "* * * * * *", body: JSON.stringify({ tick: true }) });
    expect(scheduleId).toMatch(/^scd_/);
    const [tick] = await waitFor(() => destination.hits("/tick").length >= 1 && destination.hits("/tick"), 3_000);
    expect(tick?.headers["upstash-schedule-id"]).toBe(scheduleId);
    expect(tick?.headers["content-type"]).toBe("application/json");
    await expect(receiver.verify({ signature: String(tick?.headers["upstash-signature"]), body: tick?.body ?? "", url })).resolves.toBe(true);
    const message = await client.messages.get(String(tick?.headers["upstash-message-id"]));
    expect(message).toMatchObject({ scheduleId, url });
    await client.schedules.delete(scheduleId);
  });

  it("upserts by schedule id and supports list, get, pause, resume and delete", async () => {
    const url = `${destination.url}/cycle`;
    const created = await client.schedules.create({ destination: url, cron: "0 0 1 1 *", scheduleId: "nightly", body: "v1" });
    expect(created).toEqual({ scheduleId: "nightly" });
    await client.schedules.create({ destination: url, cron: "* * * * * *", scheduleId: "nightly", body: "v2", retries: 1 });
    const listed = await client.schedules.list();
    expect(listed.map((schedule) => schedule.scheduleId)).toEqual(["nightly"]);
    const schedule = await client.schedules.get("nightly");
    expect(schedule).toMatchObject({ scheduleId: "nightly", cron: "* * * * * *", destination: url, body: "v2", retries: 1, isPaused: false, method: "POST" });
    expect(schedule.nextScheduleTime).toBeGreaterThan(Date.now() - 1);

    await waitFor(() => destination.hits("/cycle").length >= 1, 3_000);
    expect(destination.hits("/cycle").map((hit) => hit.body)).not.toContain("v1");

    await client.schedules.pause({ schedule: "nightly" });
    expect(await client.schedules.get("nightly")).toMatchObject({ isPaused: true });
    await sleep(100); // let a firing that raced the pause land
    const whilePaused = destination.hits("/cycle").length;
    await sleep(1_500);
    expect(destination.hits("/cycle")).toHaveLength(whilePaused);

    await client.schedules.resume({ schedule: "nightly" });
    expect(await client.schedules.get("nightly")).toMatchObject({ isPaused: false });
    await waitFor(() => destination.hits("/cycle").length > whilePaused, 3_000);

    await client.schedules.delete("nightly");
    await expect(client.schedules.get("nightly")).rejects.toMatchObject({ status: 404 });
    expect(await client.schedules.list()).toEqual([]);
    await sleep(100);
    const afterDelete = destination.hits("/cycle").length;
    await sleep(1_200);
    expect(destination.hits("/cycle")).toHaveLength(afterDelete);
  });

  it("rejects an invalid cron and keeps the existing schedule", async () => {
    await client.schedules.create({ destination: `${destination.url}/keep`, cron: "0 0 1 1 *", scheduleId: "keep" });
    await expect(client.schedules.create({ destination: `${destination.url}/keep`, cron: "not a cron", scheduleId: "keep" })).rejects.toMatchObject({ status: 400 });
    expect(await client.schedules.get("keep")).toMatchObject({ cron: "0 0 1 1 *" });
  });
});

describe("malformed requests", () => {
  it.each([
    ["a destination that is not a url", "POST", "/v2/publish/not-a-url", {}, ""],
    ["a non-http destination", "POST", "/v2/publish/ftp://example.com/file", {}, ""],
    ["an unparseable delay", "POST", "/v2/publish/http://127.0.0.1:9/x", { "upstash-delay": "soon" }, ""],
    ["negative retries", "POST", "/v2/publish/http://127.0.0.1:9/x", { "upstash-retries": "-1" }, ""],
    ["an unknown method", "POST", "/v2/publish/http://127.0.0.1:9/x", { "upstash-method": "BREW" }, ""],
    ["an enqueue without a queue", "POST", "/v2/enqueue/http://127.0.0.1:9/x", {}, ""],
    ["a schedule without a cron", "POST", "/v2/schedules/http://127.0.0.1:9/x", {}, ""],
    ["a batch that is not an array", "POST", "/v2/batch", { "content-type": "application/json" }, '{"destination":"x"}'],
    ["a batch entry without a destination", "POST", "/v2/batch", { "content-type": "application/json" }, '[{"body":"x"}]'],
    ["a batch that is not json", "POST", "/v2/batch", { "content-type": "application/json" }, "[{"],
    ["a malformed path segment", "GET", "/v2/messages/%E0%A4%A", {}, ""],
  ])("answers 400 for %s", async (_name, method, path, headers, body) => {
    const response = await rawRequest(method, path, { headers, body: body || undefined });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: expect.any(String) });
  });

  it("answers 404 for unknown routes and ids, and keeps serving", async () => {
    expect((await rawRequest("GET", "/v2/nothing-here")).status).toBe(404);
    expect((await rawRequest("GET", "/elsewhere")).status).toBe(404);
    await expect(client.messages.get("msg_missing")).rejects.toMatchObject({ status: 404 });
    await expect(client.schedules.delete("scd_missing")).rejects.toMatchObject({ status: 404 });
    await expect(client.schedules.pause({ schedule: "scd_missing" })).rejects.toMatchObject({ status: 404 });
    expect((await rawRequest("GET", "/v2/keys")).status).toBe(200);
  });

  it("a bad batch entry publishes nothing", async () => {
    const body = JSON.stringify([{ destination: `${destination.url}/half-batch`, body: "ok" }, { destination: "nope" }]);
    expect((await rawRequest("POST", "/v2/batch", { body })).status).toBe(400);
    await sleep(200);
    expect(destination.hits("/half-batch")).toHaveLength(0);
  });
});

describe("lifecycle", () => {
  it("logs one JSON line per request", async () => {
    await rawRequest("GET", "/v2/log-probe?secret=1");
    const lines = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.path === "/v2/log-probe")).toEqual([
      { event: "request", method: "GET", path: "/v2/log-probe", status: 404, ms: expect.any(Number) },
    ]);
  });

  it("close() stops pending work and aborts a hung delivery after a short grace", async () => {
    const own = await startQStash({ retryBaseDelayMs: 10 });
    const ownClient = new Client({ baseUrl: own.url, token: own.token, retry: false, devMode: false });
    destination.plans.set("/hang", { delayMs: 60_000 });
    await ownClient.publish({ url: `${destination.url}/hang`, body: "h" });
    await ownClient.publish({ url: `${destination.url}/later`, body: "l", delay: 10 });
    await ownClient.schedules.create({ destination: `${destination.url}/closed-tick`, cron: "* * * * * *" });
    await waitFor(() => destination.hits("/hang").length === 1);
    // A close() that waited for the hung delivery would outlive this test's timeout.
    await own.close();
    await expect(fetch(`${own.url}/v2/keys`)).rejects.toThrow();
    const ticks = destination.hits("/closed-tick").length;
    await sleep(1_300);
    expect(destination.hits("/later")).toHaveLength(0);
    expect(destination.hits("/closed-tick")).toHaveLength(ticks);
  }, 15_000);
});
