import { describe, expect, it } from "vitest";
import { llmUsage } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import { download } from "./analytics-test-support.ts";
import { withContext, workspaceWith } from "../prompts/prompt-test-support.ts";

describe("GET /api/analytics/llm-usage", () => {
  it("sums requests, errors, tokens and cost by provider and model and per day, for the workspace only, with CSV export", async () => {
    const { owner, members } = await workspaceWith("viewer");
    const { owner: other } = await workspaceWith();
    const row = (workspaceId: string, provider: "openai" | "anthropic", model: string, createdAt: string, cost: number, status: "success" | "error" = "success") => ({
      id: newId("usage"),
      workspaceId,
      provider,
      model,
      tokensIn: 10,
      tokensOut: 5,
      tokensCached: 2,
      costMicros: cost,
      latencyMs: 100,
      status,
      createdAt: new Date(createdAt),
    });
    await withContext((ctx) =>
      ctx.db().insert(llmUsage).values([
        row(owner.workspaceId, "openai", "gpt-4o", "2025-03-01T10:00:00Z", 100),
        row(owner.workspaceId, "openai", "gpt-4o", "2025-03-02T10:00:00Z", 50, "error"),
        row(owner.workspaceId, "anthropic", "claude-haiku-4-5", "2025-03-02T11:00:00Z", 300),
        row(owner.workspaceId, "openai", "gpt-4o", "2025-04-01T00:00:00Z", 1000),
        row(other.workspaceId, "openai", "gpt-4o", "2025-03-01T10:00:00Z", 7),
      ]),
    );
    const range = "from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z";
    const usage = await members[0].call("GET", `/api/analytics/llm-usage?${range}`);
    expect(usage.status, JSON.stringify(usage.body)).toBe(200);
    expect(usage.body!.totals).toEqual({ requests: 3, errors: 1, tokens_in: 30, tokens_out: 15, tokens_cached: 6, cost_micros: 450 });
    expect(usage.body!.by_model).toEqual([
      { provider: "anthropic", model: "claude-haiku-4-5", requests: 1, errors: 0, tokens_in: 10, tokens_out: 5, tokens_cached: 2, cost_micros: 300 },
      { provider: "openai", model: "gpt-4o", requests: 2, errors: 1, tokens_in: 20, tokens_out: 10, tokens_cached: 4, cost_micros: 150 },
    ]);
    expect(usage.body!.by_day.map((day: { day: string; provider: string; cost_micros: number }) => [day.day, day.provider, day.cost_micros])).toEqual([
      ["2025-03-01", "openai", 100],
      ["2025-03-02", "anthropic", 300],
      ["2025-03-02", "openai", 50],
    ]);
    expect((await owner.call("GET", `/api/analytics/llm-usage?${range}&provider=anthropic`)).body!.totals.cost_micros).toBe(300);

    const csv = await download(owner, `/api/analytics/llm-usage?${range}&table=by_day&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.text).toBe("day,provider,model,requests,errors,tokens_in,tokens_out,tokens_cached,cost_micros\r\n2025-03-01,openai,gpt-4o,1,0,10,5,2,100\r\n2025-03-02,anthropic,claude-haiku-4-5,1,0,10,5,2,300\r\n2025-03-02,openai,gpt-4o,1,1,10,5,2,50\r\n");
  });

  it("validates the range (400) and hides other workspaces (404)", async () => {
    const { owner } = await workspaceWith();
    const { owner: outsider } = await workspaceWith();
    for (const query of ["", "from=2025-03-01T00:00:00Z", "from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", "from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z&provider=mistral"]) {
      expect((await owner.call("GET", `/api/analytics/llm-usage?${query}`)).status, query).toBe(400);
    }
    expect((await outsider.call("GET", "/api/analytics/llm-usage?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z", undefined, owner.workspaceId)).status).toBe(404);
  });
});
