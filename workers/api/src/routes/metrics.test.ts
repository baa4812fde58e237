/**
 * GET /metrics: off without METRICS_TOKEN, 401 without it, and Prometheus text that a
 * text-format parser (parse-prometheus-text-format, a pinned devDependency) reads, whose
 * counters grow by what was sent. Every test file shares one Redis, so exact deltas are taken on
 * series only this file produces (401s of /metrics itself).
 */
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import parsePrometheusTextFormat, { type PrometheusFamily, type PrometheusSample } from "parse-prometheus-text-format";
import { newId } from "@xr2/shared";
import { createApiApp } from "../app.ts";
import { DEVELOPMENT_SECRETS } from "../development-secrets.ts";
import { consumeQueue } from "../queue/consume-queue.ts";
import { LATENCY_BUCKETS, METRICS } from "../services/metrics/registry.ts";
import { call, createTeam } from "../testing/http.ts";
import { readExposition, type Sample } from "../testing/prometheus-text.ts";

const TOKEN = DEVELOPMENT_SECRETS.METRICS_TOKEN;

async function get(path: string, headers: Record<string, string> = {}, overrides: Record<string, unknown> = {}) {
  const ctx = createExecutionContext();
  const response = await createApiApp().fetch(new Request(`http://api.test${path}`, { headers }), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The last scrape, read strictly (histograms by label set). */
let lastExposition: ReturnType<typeof readExposition> | undefined;

async function scrape(): Promise<PrometheusFamily[]> {
  const answer = await get("/metrics", { authorization: `Bearer ${TOKEN}` });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const families = parsePrometheusTextFormat(answer.text);
  lastExposition = readExposition(answer.text);
  // The parser is lenient about values: every one must be a number Prometheus reads.
  for (const family of families) {
    for (const sample of family.metrics) {
      for (const value of [sample.value, sample.count, sample.sum, ...Object.values(sample.buckets ?? {})]) {
        if (value !== undefined) expect(Number.isNaN(Number(value)) && value !== "NaN", `${family.name}: ${value}`).toBe(false);
      }
    }
  }
  return families;
}

function sample(families: PrometheusFamily[], name: string, labels: Record<string, string>): PrometheusSample | undefined {
  return families.find((family) => family.name === name)?.metrics.find((metric) => Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value));
}

const valueOf = (families: PrometheusFamily[], name: string, labels: Record<string, string>) => Number(sample(families, name, labels)?.value ?? 0);
// (histograms: see readExposition; the package merges the label sets of a histogram)

describe("GET /metrics", () => {
  it("is off without METRICS_TOKEN, and refuses a missing or wrong token with 401", async () => {
    expect((await get("/metrics", { authorization: `Bearer ${TOKEN}` }, { METRICS_TOKEN: undefined })).status).toBe(404);
    const missing = await get("/metrics");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect(JSON.parse(missing.text)).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
    expect((await get("/metrics", { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await get("/metrics", { authorization: TOKEN })).status).toBe(401);
  });

  it("parses as Prometheus text, announces every metric, and its request counter grows by the number of requests sent", async () => {
    const before = await scrape();
    expect(before.map((family) => family.name)).toEqual(Object.keys(METRICS));
    for (const family of before) expect(family.type).toBe(METRICS[family.name as keyof typeof METRICS].type.toUpperCase());

    const sent = 7;
    for (let index = 0; index < sent; index++) expect((await get("/metrics", { authorization: "Bearer not-the-token-at-all" })).status).toBe(401);
    const labels = { method: "GET", route: "/metrics", status: "401", status_class: "4xx" };
    const after = await scrape();
    expect(valueOf(after, "xr2_api_requests_total", labels) - valueOf(before, "xr2_api_requests_total", labels)).toBe(sent);

    // The latency histogram counted the same requests, with cumulative buckets ending in +Inf.
    const histogramLabels = { method: "GET", route: "/metrics", status_class: "4xx" };
    const strictBefore = readExposition((await get("/metrics", { authorization: `Bearer ${TOKEN}` })).text);
    for (let index = 0; index < sent; index++) await get("/metrics", { authorization: "Bearer not-the-token-at-all" });
    await scrape();
    const strictAfter = lastExposition!;
    const of = (samples: Sample[], name: string, extra: Record<string, string> = {}) =>
      samples.filter((item) => item.name === name && Object.entries({ ...histogramLabels, ...extra }).every(([key, value]) => item.labels[key] === value));
    const countOf = (samples: Sample[]) => of(samples, "xr2_api_request_duration_seconds_count")[0]?.value ?? 0;
    expect(countOf(strictAfter.samples) - countOf(strictBefore.samples)).toBe(sent);
    const buckets = of(strictAfter.samples, "xr2_api_request_duration_seconds_bucket");
    expect(buckets.map((bucket) => bucket.labels.le)).toEqual([...LATENCY_BUCKETS.map(String), "+Inf"]);
    const counts = buckets.map((bucket) => bucket.value);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    expect(counts.at(-1)).toBe(countOf(strictAfter.samples));
    expect(of(strictAfter.samples, "xr2_api_request_duration_seconds_sum")[0]!.value).toBeGreaterThan(0);
    expect(strictAfter.types.get("xr2_api_request_duration_seconds")).toBe("histogram");
  });

  it("labels requests by route pattern and status, never by raw path", async () => {
    const { owner, workspace } = await createTeam([]);
    const keyId = newId("apiKey");
    expect((await call("GET", `/api/product-api-keys/${keyId}/requests`, { token: owner.access_token, workspaceId: workspace.id })).status).toBe(404);
    const families = await scrape();
    const series = families.find((family) => family.name === "xr2_api_requests_total")!.metrics;
    expect(series.some((metric) => metric.labels?.route === "/api/product-api-keys/:keyId/requests" && metric.labels.status === "404")).toBe(true);
    expect(series.some((metric) => metric.labels?.route?.includes(keyId))).toBe(false);
  });

  it("counts queue batches, message outcomes, consumer lag and dead letters", async () => {
    const before = await scrape();
    const queued = new Date(Date.now() - 5_000);
    const batch = createMessageBatch("xr2-events", [
      { id: newId("request"), timestamp: queued, attempts: 1, body: { type: "health_probe", sent_at: new Date().toISOString() } },
      { id: newId("request"), timestamp: queued, attempts: 1, body: { type: "not-a-message" } },
    ]);
    await consumeQueue(batch, { ...env });
    const after = await scrape();
    const grew = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(grew("xr2_queue_batches_total", { queue: "xr2-events" })).toBeGreaterThanOrEqual(1);
    expect(grew("xr2_queue_messages_total", { queue: "xr2-events", outcome: "acked" })).toBeGreaterThanOrEqual(2);
    expect(grew("xr2_dead_letters_total", { queue: "xr2-events", reason: "invalid" })).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, "xr2_queue_consumer_lag_seconds", { queue: "xr2-events" })).toBeGreaterThanOrEqual(0);
    expect(valueOf(after, "xr2_queue_last_batch_timestamp_seconds", { queue: "xr2-events" })).toBeGreaterThan(Date.now() / 1000 - 3600);
    expect(valueOf(after, "xr2_dead_letters_pending", {})).toBeGreaterThanOrEqual(1);
  });
});
