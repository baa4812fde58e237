import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { aggregationPendingBuckets, aggregationState, llmUsage, promptStatsDaily, promptStatsHourly, type NewPromptStatsRow } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import { AGGREGATION_JOB } from "../../services/aggregation/mark-pending-buckets.ts";
import { withContext, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";
import { at, csvRecords, download, promptWithVersions } from "./analytics-test-support.ts";

const H0 = "2025-04-01T00:00:00.000Z";
const hourly = `granularity=hour&from=${H0}&to=${at(H0, 2).toISOString()}`;

type Row = Partial<NewPromptStatsRow> & Pick<NewPromptStatsRow, "workspaceId" | "promptId" | "versionId" | "bucketStart">;

async function insertStats(table: typeof promptStatsHourly | typeof promptStatsDaily, rows: Row[]) {
  await withContext((ctx) => ctx.db().insert(table as typeof promptStatsHourly).values(rows.map((row) => ({ environment: "production" as const, ...row }))));
}

/**
 * Two versions of a prompt over two hours (v1 served in two environments in the first hour),
 * a row after the range, another prompt, and a row of another workspace.
 */
async function statsFixture(owner: Actor, stranger: Actor) {
  const prompt = await promptWithVersions(owner, 2);
  const other = await promptWithVersions(owner, 1);
  const [v1, v2] = prompt.versionIds as [string, string];
  const base = { workspaceId: owner.workspaceId, promptId: prompt.promptId };
  const rows: Row[] = [
    { ...base, versionId: v1, bucketStart: at(H0, 0), requests: 100, errors: 5, latencyP50Ms: 10, latencyP95Ms: 20, latencyP99Ms: 30, events: 40, conversions: 10, tokensIn: 1000, tokensOut: 500, costMicros: 20_000 },
    { ...base, versionId: v1, bucketStart: at(H0, 0), environment: "staging", requests: 50, latencyP50Ms: 40, latencyP95Ms: 50, latencyP99Ms: 60, events: 5, conversions: 5, tokensIn: 100, tokensOut: 50, costMicros: 10_000 },
    { ...base, versionId: v2, bucketStart: at(H0, 1), variant: "b", requests: 10, errors: 10, latencyP50Ms: 5, latencyP95Ms: 5, latencyP99Ms: 5, costMicros: 500 },
    { ...base, versionId: v1, bucketStart: at(H0, 2), requests: 1000, conversions: 1000 },
    { workspaceId: owner.workspaceId, promptId: other.promptId, versionId: other.versionIds[0]!, bucketStart: at(H0, 0), requests: 7, costMicros: 70 },
    { workspaceId: stranger.workspaceId, promptId: prompt.promptId, versionId: v1, bucketStart: at(H0, 0), requests: 100_000, conversions: 1 },
  ];
  await insertStats(promptStatsHourly, rows);
  await insertStats(promptStatsDaily, [
    { ...base, versionId: v1, bucketStart: at(H0, 0), requests: 150, errors: 5, conversions: 15, costMicros: 30_000, latencyP50Ms: 20 },
    { ...base, versionId: v1, bucketStart: at(H0, 24), requests: 50, conversions: 0, costMicros: 1000, latencyP50Ms: 30 },
  ]);
  return { promptId: prompt.promptId, v1, v2, otherPromptId: other.promptId };
}

const metrics = (fields: Record<string, number | null>) => ({
  requests: 0,
  errors: 0,
  error_rate: null,
  latency_p50_ms: null,
  latency_p95_ms: null,
  latency_p99_ms: null,
  events: 0,
  conversions: 0,
  conversion_rate: null,
  tokens_in: 0,
  tokens_out: 0,
  cost_micros: 0,
  cost_per_conversion_micros: null,
  ...fields,
});

// v1's first hour: both environments summed, latency weighted by requests ((10·100 + 40·50) / 150 = 20).
const v1FirstHour = metrics({ requests: 150, errors: 5, error_rate: 5 / 150, latency_p50_ms: 20, latency_p95_ms: 30, latency_p99_ms: 40, events: 45, conversions: 15, conversion_rate: 0.1, tokens_in: 1100, tokens_out: 550, cost_micros: 30_000, cost_per_conversion_micros: 2000 });
const v2SecondHour = metrics({ requests: 10, errors: 10, error_rate: 1, latency_p50_ms: 5, latency_p95_ms: 5, latency_p99_ms: 5, conversion_rate: 0, cost_micros: 500 });

describe("GET /api/analytics/prompt-stats", () => {
  it("sums a prompt's buckets per version: totals, rates, weighted latency and cost per conversion", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const { promptId, v1, v2 } = await statsFixture(owner, stranger);
    await withContext((ctx) =>
      ctx.db().insert(llmUsage).values([
        { id: newId("usage"), workspaceId: owner.workspaceId, promptId, provider: "openai", model: "gpt-4o", tokensIn: 10, tokensOut: 20, costMicros: 300, latencyMs: 100, status: "success", createdAt: at(H0, 0.5) },
        { id: newId("usage"), workspaceId: owner.workspaceId, promptId, provider: "openai", model: "gpt-4o", tokensIn: 5, tokensOut: 5, costMicros: 200, latencyMs: 100, status: "success", createdAt: at(H0, 1.5) },
        { id: newId("usage"), workspaceId: owner.workspaceId, promptId, provider: "anthropic", model: "claude", latencyMs: 100, status: "error", createdAt: at(H0, 1) },
        { id: newId("usage"), workspaceId: owner.workspaceId, promptId, provider: "google", model: "gemini", costMicros: 9, latencyMs: 100, status: "success", createdAt: at(H0, 3) },
      ]),
    );

    const response = await owner.call("GET", `/api/analytics/prompt-stats?prompt_id=${promptId}&${hourly}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({
      granularity: "hour",
      from: H0,
      to: at(H0, 2).toISOString(),
      prompt_id: promptId,
      version_id: null,
      environment: null,
      // p50 (10·100 + 40·50 + 5·10) / 160 = 19.06 → 19; cost per conversion 30 500 / 15 = 2033.3 → 2033.
      totals: metrics({ requests: 160, errors: 15, error_rate: 15 / 160, latency_p50_ms: Math.round(3050 / 160), latency_p95_ms: Math.round(4550 / 160), latency_p99_ms: Math.round(6050 / 160), events: 45, conversions: 15, conversion_rate: 15 / 160, tokens_in: 1100, tokens_out: 550, cost_micros: 30_500, cost_per_conversion_micros: 2033 }),
      series: [
        { bucket_start: "2025-04-01T00:00:00Z", version_id: v1, ...v1FirstHour },
        { bucket_start: "2025-04-01T01:00:00Z", version_id: v2, ...v2SecondHour },
      ],
      series_truncated: false,
      versions: [
        { version_id: v1, version_number: 1, ...v1FirstHour },
        { version_id: v2, version_number: 2, ...v2SecondHour },
      ],
      top_prompts: [],
      providers: [
        { provider: "openai", model: "gpt-4o", calls: 2, errors: 0, tokens_in: 15, tokens_out: 25, cost_micros: 500 },
        { provider: "anthropic", model: "claude", calls: 1, errors: 1, tokens_in: 0, tokens_out: 0, cost_micros: 0 },
      ],
      // The job's watermark is shared by every test's workspace: only its shape is certain here.
      data_as_of: expect.toSatisfy((value: unknown) => value === null || (typeof value === "string" && !Number.isNaN(Date.parse(value)))),
      hours_pending: 0,
    });
  });

  it("says how fresh the figures are: the aggregation's watermark, and this workspace's hours still waiting", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    await withContext((ctx) =>
      ctx.db().insert(aggregationPendingBuckets).values([
        { workspaceId: owner.workspaceId, bucketStart: at(H0, 0) },
        { workspaceId: owner.workspaceId, bucketStart: at(H0, 1) },
        { workspaceId: stranger.workspaceId, bucketStart: at(H0, 0) },
      ]),
    );
    // The watermark is the job's, moved by any test's run: the answer lies between a read before and one after.
    const watermark = () => withContext(async (ctx) => (await ctx.db().select().from(aggregationState).where(eq(aggregationState.name, AGGREGATION_JOB)))[0]?.receivedThrough.getTime() ?? 0);
    const before = await watermark();
    const response = await owner.call("GET", `/api/analytics/prompt-stats?${hourly}`);
    const after = await watermark();
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const freshness = response.body as { data_as_of: string | null; hours_pending: number };
    expect(freshness.hours_pending).toBe(2);
    if (freshness.data_as_of === null) expect(before).toBeLessThanOrEqual(0);
    else {
      expect(Date.parse(freshness.data_as_of)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(freshness.data_as_of)).toBeLessThanOrEqual(after);
    }
    const strangers = await stranger.call("GET", `/api/analytics/prompt-stats?${hourly}`);
    expect((strangers.body as { hours_pending: number }).hours_pending).toBe(1);
  });

  it("filters by version and environment, reads daily buckets, and ranks top prompts workspace-wide", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const { promptId, v1, v2, otherPromptId } = await statsFixture(owner, stranger);
    const get = async (query: string) => {
      const response = await owner.call("GET", `/api/analytics/prompt-stats?${query}`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body!;
    };

    const production = await get(`prompt_id=${promptId}&environment=production&${hourly}`);
    expect(production.series[0]).toMatchObject({ version_id: v1, requests: 100, latency_p50_ms: 10, conversions: 10, cost_per_conversion_micros: 2000 });
    expect((await get(`version_id=${v2}&${hourly}`)).series).toEqual([expect.objectContaining({ version_id: v2, requests: 10 })]);
    expect((await get(`prompt_id=${promptId}&version_id=${v1}&${hourly}`)).totals).toMatchObject({ requests: 150, conversions: 15 });

    const daily = await get(`prompt_id=${promptId}&granularity=day&from=${H0}&to=${at(H0, 48).toISOString()}`);
    expect(daily.series.map((row: { bucket_start: string; requests: number }) => [row.bucket_start, row.requests])).toEqual([
      ["2025-04-01T00:00:00Z", 150],
      ["2025-04-02T00:00:00Z", 50],
    ]);
    expect(daily.totals).toMatchObject({ requests: 200, conversions: 15, cost_micros: 31_000, cost_per_conversion_micros: 2067, latency_p50_ms: 23 });

    const workspace = await get(hourly);
    expect(workspace.series.map((row: { bucket_start: string; version_id: string | null; requests: number }) => [row.bucket_start, row.version_id, row.requests])).toEqual([
      ["2025-04-01T00:00:00Z", null, 157],
      ["2025-04-01T01:00:00Z", null, 10],
    ]);
    expect(workspace.totals.requests).toBe(167);
    expect(workspace.versions).toEqual([]);
    expect(workspace.top_prompts.map((row: { prompt_id: string; requests: number; slug: string }) => [row.prompt_id, row.requests])).toEqual([
      [promptId, 160],
      [otherPromptId, 7],
    ]);
    expect(workspace.top_prompts[0].slug).toEqual(expect.any(String));
    expect((await get(`${hourly}&top=1`)).top_prompts.map((row: { prompt_id: string }) => row.prompt_id)).toEqual([promptId]);
  });

  it("exports each table as CSV or JSON", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const { promptId, v1, v2 } = await statsFixture(owner, stranger);

    const csv = await download(owner, `/api/analytics/prompt-stats?prompt_id=${promptId}&${hourly}`, { accept: "text/csv" });
    expect(csv.status, csv.text).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="prompt-stats-series-2025-04-01.csv"');
    expect(csv.headers.get("x-export-row-limit")).toBe("1000000");
    expect(csv.text.split("\r\n")[0]).toBe(
      "bucket_start,version_id,requests,errors,error_rate,latency_p50_ms,latency_p95_ms,latency_p99_ms,events,conversions,conversion_rate,tokens_in,tokens_out,cost_micros,cost_per_conversion_micros",
    );
    expect(csvRecords(csv.text)).toEqual([
      expect.objectContaining({ bucket_start: "2025-04-01T00:00:00Z", version_id: v1, requests: "150", cost_per_conversion_micros: "2000", error_rate: String(5 / 150) }),
      expect.objectContaining({ bucket_start: "2025-04-01T01:00:00Z", version_id: v2, requests: "10", cost_per_conversion_micros: "" }),
    ]);

    const versions = JSON.parse((await download(owner, `/api/analytics/prompt-stats?prompt_id=${promptId}&${hourly}&format=json&table=versions`)).text);
    expect(versions.rows.map((row: { version_number: number; cost_per_conversion_micros: number | null }) => [row.version_number, row.cost_per_conversion_micros])).toEqual([
      [1, 2000],
      [2, null],
    ]);
    expect(versions).toMatchObject({ row_count: 2, truncated: false });
    const top = csvRecords((await download(owner, `/api/analytics/prompt-stats?${hourly}&format=csv&table=top_prompts`)).text);
    expect(top.map((row) => [row.prompt_id, row.requests])).toEqual([
      [promptId, "160"],
      [expect.any(String), "7"],
    ]);
    const providers = await download(owner, `/api/analytics/prompt-stats?${hourly}&format=csv&table=providers`);
    expect(providers.text).toBe("provider,model,calls,errors,tokens_in,tokens_out,cost_micros\r\n");

    for (const query of [`${hourly}&format=csv&table=versions`, `prompt_id=${promptId}&${hourly}&format=csv&table=top_prompts`]) {
      const refused = await download(owner, `/api/analytics/prompt-stats?${query}`);
      expect(refused.status, query).toBe(400);
    }
  });

  it("answers 400 to bad or too long ranges, and 404 to prompts and versions it cannot see", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const mine = await statsFixture(owner, stranger);
    const theirs = await promptWithVersions(stranger, 1);
    const day = (days: number) => at(H0, days * 24).toISOString();
    for (const query of [
      `from=${H0}`,
      `to=${H0}`,
      `from=${H0}&to=${H0}`,
      `from=${day(1)}&to=${H0}`,
      `granularity=hour&from=${H0}&to=${day(31.5)}`,
      `granularity=day&from=${H0}&to=${day(367)}`,
      `granularity=minute&${hourly.replace("granularity=hour&", "")}`,
      `${hourly}&environment=prod`,
      `${hourly}&top=0`,
      `${hourly}&top=101`,
      `${hourly}&table=everything`,
      `${hourly}&format=pdf`,
      `${hourly}&prompt_id=`,
      `${hourly}&colour=blue`,
    ]) {
      const response = await owner.call("GET", `/api/analytics/prompt-stats?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body!.error.code, query).toBe("VALIDATION_FAILED");
    }
    expect((await owner.call("GET", `/api/analytics/prompt-stats?granularity=hour&from=${H0}&to=${day(31)}`)).status).toBe(200);
    expect((await owner.call("GET", `/api/analytics/prompt-stats?granularity=day&from=${H0}&to=${day(366)}`)).status).toBe(200);

    for (const query of [`prompt_id=${theirs.promptId}`, `version_id=${theirs.versionIds[0]}`, `prompt_id=${mine.otherPromptId}&version_id=${mine.v1}`, "prompt_id=pr_01jnotaprompt00000000000000"]) {
      const response = await owner.call("GET", `/api/analytics/prompt-stats?${query}&${hourly}`);
      expect(response.status, query).toBe(404);
      expect(response.body!.error.code).toBe("NOT_FOUND");
    }
    // The stranger's row for the owner's prompt id counts nowhere for the owner, and the owner's rows nowhere for the stranger.
    expect((await owner.call("GET", `/api/analytics/prompt-stats?${hourly}`)).body!.totals.requests).toBe(167);
    const strangers = await stranger.call("GET", `/api/analytics/prompt-stats?${hourly}`);
    expect(strangers.body!.totals.requests).toBe(100_000);
    expect(strangers.body!.top_prompts).toEqual([expect.objectContaining({ prompt_id: mine.promptId, slug: null, name: null, requests: 100_000 })]);
  });
});
