import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { llmUsage } from "@xr2/db/schema";
import { withContext, workspaceWith } from "../prompts/prompt-test-support.ts";
import { chatVersion, saveWorkspaceKeys } from "./llm-test-support.ts";

describe("POST /api/llm/compare", () => {
  it("runs one version on several models at once, each with its output, tokens, cost or error", async () => {
    const { owner } = await workspaceWith();
    await saveWorkspaceKeys(owner);
    const { promptId, versionId } = await chatVersion(owner);
    const compared = await owner.call("POST", "/api/llm/compare", {
      prompt_id: promptId,
      version_id: versionId,
      variables: { name: "Ada" },
      targets: [
        { provider: "openai", model: "gpt-4o-mini" },
        { provider: "anthropic", model: "claude-haiku-4-5", max_tokens: 2 },
        { provider: "google", model: "gemini-2.0-flash" },
        { provider: "openai", model: "fake-500" },
      ],
    });
    expect(compared.status, JSON.stringify(compared.body)).toBe(200);
    const results = compared.body!.results;
    expect(results.map((result: { provider: string; ok: boolean; output: string | null }) => [result.provider, result.ok, result.output])).toEqual([
      ["openai", true, "Echo: say hello to Ada"],
      ["anthropic", true, "Echo: say"],
      ["google", true, "Echo: say hello to Ada"],
      ["openai", false, null],
    ]);
    expect(results[0]).toMatchObject({ tokens: { input: 7, output: 5, cached_input: 3 }, cost_micros: 4, error: null });
    expect(results[3].error).toMatchObject({ code: "PROVIDER_FAILED", error_code: "server_500", message: expect.stringMatching(/^OpenAI failed \(500/) });
    const rows = await withContext((ctx) => ctx.db().select().from(llmUsage).where(eq(llmUsage.versionId, versionId)));
    expect(rows.map((row) => row.id).sort()).toEqual(results.map((result: { usage_id: string }) => result.usage_id).sort());
    expect(rows.filter((row) => row.status === "error").map((row) => row.errorCode)).toEqual(["server_500"]);
  });

  it("takes at most four targets and needs a key for each provider", async () => {
    const { owner } = await workspaceWith();
    await saveWorkspaceKeys(owner, ["openai"]);
    const { promptId, versionId } = await chatVersion(owner);
    const base = { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" } };
    expect((await owner.call("POST", "/api/llm/compare", { ...base, targets: [] })).status).toBe(400);
    expect((await owner.call("POST", "/api/llm/compare", { ...base, targets: Array.from({ length: 5 }, () => ({ provider: "openai", model: "gpt-4o" })) })).status).toBe(400);
    const missing = await owner.call("POST", "/api/llm/compare", { ...base, targets: [{ provider: "openai", model: "gpt-4o" }, { provider: "google", model: "gemini-2.5-pro" }] });
    expect(missing.status).toBe(422);
    expect(missing.body!.error.code).toBe("LLM_KEY_MISSING");
  });
});
