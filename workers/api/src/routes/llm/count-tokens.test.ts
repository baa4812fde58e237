import { describe, expect, it } from "vitest";
import { getEncoding } from "js-tiktoken";
import { createPrompt, createVersion, workspaceWith } from "../prompts/prompt-test-support.ts";
import { chatVersion, saveWorkspaceKeys } from "./llm-test-support.ts";

const REFERENCE_STRINGS = ["hello world", "tiktoken is great!", "Привет, мир! 你好，世界", "  leading spaces and\ttabs\n\nnew lines", "{name} {{literal}} {% if x %}y{% endif %}", "e".repeat(300), "🙂👍🏽 emoji and ümlauts"];

describe("POST /api/llm/count-tokens", () => {
  it("counts OpenAI text exactly like js-tiktoken, with the right encoding per model", async () => {
    const { owner } = await workspaceWith("viewer");
    for (const [model, encoding] of [
      ["gpt-4o", "o200k_base"],
      ["gpt-4.1-mini", "o200k_base"],
      ["o3-mini", "o200k_base"],
      ["gpt-4", "cl100k_base"],
      ["gpt-3.5-turbo", "cl100k_base"],
    ] as const) {
      const reference = getEncoding(encoding);
      for (const text of REFERENCE_STRINGS) {
        const counted = await owner.call("POST", "/api/llm/count-tokens", { provider: "openai", model, text });
        expect(counted.status, JSON.stringify(counted.body)).toBe(200);
        expect(counted.body, `${model}: ${text}`).toMatchObject({ input_tokens: reference.encode(text).length, exact: true, method: "tiktoken", encoding, message_overhead_tokens: 0 });
      }
    }
  });

  it("counts text that spells a special token as the plain text it is (it used to fail with 500)", async () => {
    const { owner } = await workspaceWith();
    const text = "Write <|endoftext|> literally";
    const counted = await owner.call("POST", "/api/llm/count-tokens", { provider: "openai", model: "gpt-4o", text });
    expect(counted.status, JSON.stringify(counted.body)).toBe(200);
    expect(counted.body!.input_tokens).toBe(getEncoding("o200k_base").encode(text, [], []).length);
  });

  it("lets a viewer count a stored version that is one long run of letters", async () => {
    const { owner, members } = await workspaceWith("viewer");
    const [viewer] = members;
    const prompt = await createPrompt(owner);
    const version = await createVersion(owner, prompt.id, { content: "a".repeat(10_000) });
    const counted = await viewer.call("POST", "/api/llm/count-tokens", { provider: "openai", model: "gpt-4o", prompt_id: prompt.id, version_id: version.id });
    expect(counted.status, JSON.stringify(counted.body)).toBe(200);
    // 1 250 tokens of eight "a" each, as one user message: 3 per message, 1 for "user", 3 priming.
    expect(counted.body).toMatchObject({ input_tokens: 1_250 + 7, exact: true, method: "tiktoken" });
  });

  it("counts a version with its snippets inlined as production serves them, and names a snippet production does not serve", async () => {
    const { owner } = await workspaceWith();
    const snippet = await createPrompt(owner);
    const snippetV1 = await createVersion(owner, snippet.id, { content: "world" });
    const prompt = await createPrompt(owner);
    const version = await createVersion(owner, prompt.id, { content: `hello {% include "${snippet.slug}" %}` });
    const unpublished = await owner.call("POST", "/api/llm/count-tokens", { provider: "openai", model: "gpt-4o", prompt_id: prompt.id, version_id: version.id });
    expect(unpublished.status).toBe(400);
    expect(unpublished.body!.error.message).toBe(`Snippet "${snippet.slug}" has nothing published in production; publish it to production first`);
    expect((await owner.call("PUT", `/api/prompts/${snippet.id}/versions/${snippetV1.id}/publish`, { environment: "production" })).status).toBe(200);
    const counted = await owner.call("POST", "/api/llm/count-tokens", { provider: "openai", model: "gpt-4o", prompt_id: prompt.id, version_id: version.id });
    expect(counted.status, JSON.stringify(counted.body)).toBe(200);
    // "hello world" is 2 tokens, as one user message: 3 per message, 1 for "user", 3 priming.
    expect(counted.body).toMatchObject({ input_tokens: 2 + 7, exact: true });
  });

  it("matches published counts", async () => {
    const { owner } = await workspaceWith();
    const count = async (model: string, text: string) => (await owner.call("POST", "/api/llm/count-tokens", { provider: "openai", model, text })).body!.input_tokens;
    // OpenAI's tiktoken README and cookbook: "hello world" is 2 tokens, "tiktoken is great!" 6 in cl100k_base.
    expect(await count("gpt-4", "hello world")).toBe(2);
    expect(await count("gpt-4", "tiktoken is great!")).toBe(6);
    expect(await count("gpt-4o", "hello world")).toBe(2);
  });

  it("adds OpenAI's chat overhead to messages and estimates cost from the price table", async () => {
    const { owner } = await workspaceWith();
    const messages = [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "hello world" },
    ];
    const reference = getEncoding("o200k_base");
    const overhead = 3 + messages.reduce((sum, message) => sum + 3 + reference.encode(message.role).length, 0);
    const content = messages.reduce((sum, message) => sum + reference.encode(message.content).length, 0);
    const counted = await owner.call("POST", "/api/llm/count-tokens", { provider: "openai", model: "gpt-4o", messages, max_tokens: 1000 });
    expect(counted.body).toMatchObject({ input_tokens: content + overhead, message_overhead_tokens: overhead, max_output_tokens: 1000, note: expect.stringContaining("overhead") });
    // gpt-4o: $2.50 in, $10 out per million tokens.
    expect(counted.body!.cost_estimate).toEqual({
      priced: true,
      input_micros: Math.round((content + overhead) * 2.5),
      output_micros_at_max_tokens: 10_000,
      total_micros_at_max_tokens: Math.round((content + overhead) * 2.5) + 10_000,
      input_usd: Math.round((content + overhead) * 2.5) / 1e6,
      total_usd_at_max_tokens: (Math.round((content + overhead) * 2.5) + 10_000) / 1e6,
    });
  });

  it("asks Anthropic and Gemini to count when a key is saved, and labels an estimate otherwise", async () => {
    const { owner } = await workspaceWith();
    const { promptId, versionId } = await chatVersion(owner);
    const body = (provider: string, model: string) => ({ provider, model, prompt_id: promptId, version_id: versionId, variables: { name: "Ada" } });
    const estimate = await owner.call("POST", "/api/llm/count-tokens", body("anthropic", "claude-sonnet-4-5"));
    // "You are terse" + "say hello to Ada": 29 characters → 8 estimated tokens.
    expect(estimate.body).toMatchObject({ input_tokens: 8, exact: false, method: "estimate", note: expect.stringContaining("no anthropic key"), max_output_tokens: 50 });
    await saveWorkspaceKeys(owner, ["anthropic", "google"]);
    // The fakes count one token per word: 3 + 4.
    expect((await owner.call("POST", "/api/llm/count-tokens", body("anthropic", "claude-sonnet-4-5"))).body).toMatchObject({ input_tokens: 7, exact: false, method: "provider", note: expect.stringMatching(/^Estimate: counted by Anthropic/) });
    expect((await owner.call("POST", "/api/llm/count-tokens", body("google", "gemini-2.5-pro"))).body).toMatchObject({ input_tokens: 7, exact: true, method: "provider" });
    const unknown = await owner.call("POST", "/api/llm/count-tokens", { provider: "openai", model: "davinci-002", text: "hello" });
    expect(unknown.body).toMatchObject({ exact: false, method: "estimate", cost_estimate: { priced: false } });
  });

  it("validates the body (400) and hides other workspaces' prompts (404)", async () => {
    const { owner } = await workspaceWith();
    const { owner: outsider } = await workspaceWith();
    const { promptId, versionId } = await chatVersion(owner);
    for (const body of [
      {},
      { provider: "openai", model: "gpt-4o" },
      { provider: "openai", model: "gpt-4o", text: "a", messages: [{ role: "user", content: "b" }] },
      { provider: "openai", model: "gpt-4o", text: "x".repeat(1_000_001) },
      { provider: "openai", model: "gpt-4o", messages: Array.from({ length: 201 }, () => ({ role: "user", content: "b" })) },
      { provider: "openai", model: "gpt-4o", messages: [{ role: "tool", content: "b" }] },
      { provider: "openai", model: "gpt-4o", prompt_id: promptId },
      { provider: "openai", model: "gpt-4o", text: "a", variables: { name: "x" } },
      { provider: "openai", model: "gpt-4o", text: "a", unknown: true },
    ]) {
      expect((await owner.call("POST", "/api/llm/count-tokens", body)).status, JSON.stringify(body).slice(0, 120)).toBe(400);
    }
    expect((await outsider.call("POST", "/api/llm/count-tokens", { provider: "openai", model: "gpt-4o", prompt_id: promptId, version_id: versionId, variables: { name: "Ada" } })).status).toBe(404);
  });
});
