import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { llmUsage, userLimits, workspaceLimits } from "@xr2/db/schema";
import { withContext, workspaceWith } from "../prompts/prompt-test-support.ts";
import { callStream, chatVersion, FAKE_KEYS, outputOf, saveWorkspaceKeys } from "./llm-test-support.ts";

const usageRows = (versionId: string) => withContext((ctx) => ctx.db().select().from(llmUsage).where(eq(llmUsage.versionId, versionId)).orderBy(llmUsage.createdAt, llmUsage.id));

describe("POST /api/llm/run", () => {
  // Fake token counts: system "You are terse" = 3 (the cached prefix), "say hello to Ada" = 4, output "Echo: say hello to Ada" = 5.
  for (const [provider, model, cost] of [
    // (7 - 3) × 0.15 + 3 × 0.075 + 5 × 0.60 = 3.825 → 4 micro-dollars
    ["openai", "gpt-4o-mini", 4],
    // (7 - 3) × 3 + 3 × 0.30 + 5 × 15 = 87.9 → 88
    ["anthropic", "claude-sonnet-4-5-20250929", 88],
    // (7 - 3) × 0.10 + 3 × 0.025 + 5 × 0.40 = 2.475 → 2
    ["google", "gemini-2.0-flash", 2],
  ] as const) {
    it(`streams ${provider} through its SDK and records the provider's tokens and the price table's cost`, async () => {
      const { owner, members } = await workspaceWith("member");
      await saveWorkspaceKeys(owner);
      const { promptId, versionId } = await chatVersion(owner);
      const run = await callStream(members[0], "/api/llm/run", { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" }, provider, model });
      expect(run.status, run.text).toBe(200);
      expect(run.events.map((event) => event.event)).toEqual(["start", "delta", "delta", "delta", "delta", "delta", "done"]);
      expect(run.events[0]!.data).toEqual({ provider, model, fallback_from: null, failed_attempts: [] });
      expect(outputOf(run.events)).toBe("Echo: say hello to Ada");
      const done = run.events.at(-1)!.data;
      expect(done).toMatchObject({ provider, model, fallback_from: null, tokens: { input: 7, output: 5, cached_input: 3 }, cost_micros: cost, priced: true, failed_attempts: [] });
      const rows = await usageRows(versionId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: done.usage_id, workspaceId: owner.workspaceId, userId: members[0].session.user.id, promptId, provider, model, tokensIn: 7, tokensOut: 5, tokensCached: 3, costMicros: cost, status: "success", errorCode: null, fallbackFrom: null });
      expect(rows[0]!.providerKeyId).toMatch(/^pk_/);
      const keys = await owner.call("GET", "/api/llm/keys");
      expect(keys.body!.workspace_keys.find((key: { provider: string }) => key.provider === provider).last_used_at).not.toBeNull();
    });
  }

  it("answers JSON with stream: false, and takes model and max_tokens from the version unless overridden", async () => {
    const { owner } = await workspaceWith();
    await saveWorkspaceKeys(owner, ["openai"]);
    const { promptId, versionId } = await chatVersion(owner, { provider: "openai", model: "gpt-4o", max_tokens: 2 });
    const run = await callStream(owner, "/api/llm/run", { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" }, stream: false });
    expect(run.status, run.text).toBe(200);
    expect(run.body).toMatchObject({ provider: "openai", model: "gpt-4o", output: "Echo: say", finish_reason: "length", tokens: { output: 2 } });
    const longer = await callStream(owner, "/api/llm/run", { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" }, stream: false, max_tokens: 3 });
    expect(longer.body!.output).toBe("Echo: say hello");
  });

  it("uses the caller's own key before the workspace's", async () => {
    const { owner } = await workspaceWith();
    await saveWorkspaceKeys(owner, ["openai"]);
    const mine = await owner.call("PUT", "/api/llm/user-keys/openai", { api_key: FAKE_KEYS.openai });
    const { promptId, versionId } = await chatVersion(owner);
    const run = await callStream(owner, "/api/llm/run", { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" } });
    expect(run.status).toBe(200);
    expect((await usageRows(versionId))[0]!.providerKeyId).toBe(mine.body!.id);
  });

  it("falls over to the next provider on 500, 429 and timeouts, visibly, with a usage row per attempt", async () => {
    const { owner } = await workspaceWith();
    await saveWorkspaceKeys(owner);
    const { promptId, versionId } = await chatVersion(owner);
    const run = await callStream(owner, "/api/llm/run", {
      prompt_id: promptId,
      version_id: versionId,
      variables: { name: "Ada" },
      provider: "openai",
      model: "fake-500",
      fallbacks: [
        { provider: "anthropic", model: "fake-429" },
        { provider: "google", model: "fake-hang" },
        { provider: "anthropic", model: "claude-haiku-4-5" },
      ],
      timeout_ms: 500,
    });
    expect(run.status, run.text).toBe(200);
    const start = run.events[0]!;
    expect(start.event).toBe("start");
    expect(start.data).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5", fallback_from: "google" });
    expect(start.data.failed_attempts.map((attempt: { provider: string; error_code: string }) => [attempt.provider, attempt.error_code])).toEqual([
      ["openai", "server_500"],
      ["anthropic", "rate_limited_429"],
      ["google", "timeout"],
    ]);
    expect(start.data.failed_attempts[0].message).toMatch(/^OpenAI failed \(500/);
    expect(outputOf(run.events)).toBe("Echo: say hello to Ada");
    const rows = await usageRows(versionId);
    expect(rows.map((row) => [row.provider, row.model, row.status, row.errorCode, row.fallbackFrom])).toEqual([
      ["openai", "fake-500", "error", "server_500", null],
      ["anthropic", "fake-429", "error", "rate_limited_429", "openai"],
      ["google", "fake-hang", "error", "timeout", "anthropic"],
      ["anthropic", "claude-haiku-4-5", "success", null, "google"],
    ]);
  });

  it("does not fall over on a 4xx, and answers JSON when every target fails before streaming", async () => {
    const { owner } = await workspaceWith();
    await saveWorkspaceKeys(owner);
    const { promptId, versionId } = await chatVersion(owner);
    const refused = await callStream(owner, "/api/llm/run", { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" }, provider: "openai", model: "fake-400", fallbacks: [{ provider: "google", model: "gemini-2.0-flash" }] });
    expect(refused.status).toBe(422);
    expect(refused.body!.error).toMatchObject({ code: "PROVIDER_REJECTED", message: expect.stringMatching(/^OpenAI rejected the request \(400 invalid_value/) });
    const failed = await callStream(owner, "/api/llm/run", { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" }, provider: "google", model: "fake-500", fallbacks: [{ provider: "openai", model: "fake-429" }] });
    expect(failed.status).toBe(502);
    expect(failed.body!.error.code).toBe("PROVIDER_FAILED");
    expect(failed.body!.error.details.failed_attempts).toHaveLength(2);
    expect(failed.headers.get("retry-after")).toBe("7");
    expect((await usageRows(versionId)).map((row) => row.status)).toEqual(["error", "error", "error"]);
  });

  it("ends a stream that breaks midway with an error event, recorded as an error", async () => {
    const { owner } = await workspaceWith();
    await saveWorkspaceKeys(owner);
    const { promptId, versionId } = await chatVersion(owner);
    for (const provider of ["openai", "anthropic", "google"] as const) {
      const run = await callStream(owner, "/api/llm/run", { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" }, provider, model: "fake-break", fallbacks: [{ provider: "openai", model: "gpt-4o" }] });
      expect(run.status).toBe(200);
      expect(run.events[0]).toMatchObject({ event: "start", data: { provider, model: "fake-break" } });
      expect(outputOf(run.events)).toBe("Echo: say");
      expect(run.events.at(-1)).toMatchObject({ event: "error", data: { code: "PROVIDER_FAILED", provider, error_code: "stream_broken" } });
    }
    expect((await usageRows(versionId)).map((row) => [row.status, row.errorCode])).toEqual([
      ["error", "stream_broken"],
      ["error", "stream_broken"],
      ["error", "stream_broken"],
    ]);
  });

  it("gives a clear error for a wrong key, and for a provider without a key", async () => {
    const { owner } = await workspaceWith();
    const { promptId, versionId } = await chatVersion(owner);
    const missing = await callStream(owner, "/api/llm/run", { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" } });
    expect(missing.status).toBe(422);
    expect(missing.body!.error).toMatchObject({ code: "LLM_KEY_MISSING", message: expect.stringContaining("PUT /api/llm/user-keys/openai") });
    await owner.call("PUT", "/api/llm/workspace-keys/openai", { api_key: "sk-not-the-right-key-0000" });
    const wrong = await callStream(owner, "/api/llm/run", { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" } });
    expect(wrong.status).toBe(422);
    expect(wrong.body!.error.message).toMatch(/^OpenAI rejected the key \(401 invalid_api_key: Incorrect API key provided/);
  });

  it("answers 429 when the workspace's or the user's quota is used up (the most specific limit wins)", async () => {
    const { owner } = await workspaceWith();
    await saveWorkspaceKeys(owner, ["openai"]);
    const { promptId, versionId } = await chatVersion(owner);
    const body = { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" } };
    await withContext((ctx) => ctx.db().insert(workspaceLimits).values({ workspaceId: owner.workspaceId, name: "llm_requests_per_day", value: 1 }));
    expect((await callStream(owner, "/api/llm/run", body)).status).toBe(200);
    const limited = await callStream(owner, "/api/llm/run", body);
    expect(limited.status).toBe(429);
    expect(limited.body!.error).toMatchObject({ code: "QUOTA_EXCEEDED", message: expect.stringContaining("1 requests per day") });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // A user row is more specific: it exempts this user (null) from the workspace's limit.
    await withContext((ctx) => ctx.db().insert(userLimits).values({ userId: owner.session.user.id, name: "llm_requests_per_day", value: null }));
    expect((await callStream(owner, "/api/llm/run", body)).status).toBe(200);
    await withContext((ctx) => ctx.db().insert(userLimits).values({ userId: owner.session.user.id, name: "llm_cost_micros_per_month", value: 1 }));
    const costly = await callStream(owner, "/api/llm/run", body);
    expect(costly.status).toBe(429);
    expect(costly.body!.error.message).toMatch(/your limit is \$0\.00 per month/);
  });

  it("validates the request (400), hides other workspaces' prompts (404) and refuses viewers (403)", async () => {
    const { owner, members } = await workspaceWith("viewer");
    const { owner: outsider } = await workspaceWith();
    await saveWorkspaceKeys(outsider, ["openai"]);
    const { promptId, versionId } = await chatVersion(owner);
    const valid = { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" } };
    for (const body of [
      {},
      { ...valid, extra: 1 },
      { ...valid, provider: "mistral" },
      { ...valid, model: "bad model!" },
      { ...valid, temperature: 3 },
      { ...valid, max_tokens: 0 },
      { ...valid, timeout_ms: 5 },
      { ...valid, fallbacks: [1, 2, 3, 4].map(() => ({ provider: "openai", model: "gpt-4o" })) },
      { ...valid, variables: Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`v${index}`, "x"])) },
      { ...valid, variables: {} },
    ]) {
      const response = await callStream(owner, "/api/llm/run", body);
      expect(response.status, JSON.stringify(body).slice(0, 200)).toBe(400);
    }
    expect((await callStream(outsider, "/api/llm/run", valid)).status).toBe(404);
    expect((await callStream(members[0], "/api/llm/run", valid)).status).toBe(403);
  });
});
