/** The fake LLM providers, driven by the official SDKs the API worker uses. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenerativeAI, GoogleGenerativeAIFetchError } from "@google/generative-ai";
import OpenAI from "openai";
import { FAKE_LLM_KEYS, startFakeLlmProviders, type FakeLlmProviders } from "./index.ts";

let fakes: FakeLlmProviders;
beforeAll(async () => {
  fakes = await startFakeLlmProviders();
});
afterAll(async () => {
  await fakes.close();
});

const openai = (apiKey = FAKE_LLM_KEYS.openai) => new OpenAI({ apiKey, baseURL: fakes.baseUrls.openai!, maxRetries: 0 });
const anthropic = (apiKey = FAKE_LLM_KEYS.anthropic) => new Anthropic({ apiKey, baseURL: fakes.baseUrls.anthropic!, maxRetries: 0 });
const gemini = (model: string, apiKey = FAKE_LLM_KEYS.google) =>
  new GoogleGenerativeAI(apiKey).getGenerativeModel({ model, systemInstruction: "Be brief" }, { baseUrl: fakes.baseUrls.google! });

const messages = [
  { role: "system" as const, content: "You are terse" },
  { role: "user" as const, content: "say hello to Ada" },
];

describe("fake OpenAI", () => {
  it("answers chat completions with usage, cached input included", async () => {
    const completion = await openai().chat.completions.create({ model: "gpt-4o-mini", messages });
    expect(completion.choices[0]!.message.content).toBe("Echo: say hello to Ada");
    expect(completion.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 3 } });
  });

  it("streams deltas and a final usage chunk with stream_options.include_usage", async () => {
    const stream = await openai().chat.completions.create({ model: "gpt-4o", messages, stream: true, stream_options: { include_usage: true }, max_tokens: 3 });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Echo: say hello");
    expect(finish).toBe("length");
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 3 } });
  });

  it("lists models for the valid key and refuses others with OpenAI's 401", async () => {
    expect((await openai().models.list()).data.map((model) => model.id)).toContain("gpt-4o");
    const error = await openai("sk-wrong-key-1234567890").models.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect((error as Error).message).not.toContain("sk-wrong-key-1234567890");
  });

  it("fails on demand: 500, 429 with retry-after, 400, a hang, a broken stream", async () => {
    await expect(openai().chat.completions.create({ model: "fake-500", messages })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    const limited = (await openai()
      .chat.completions.create({ model: "fake-429", messages })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers?.get("retry-after")).toBe("7");
    await expect(openai().chat.completions.create({ model: "fake-400", messages })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(openai().chat.completions.create({ model: "fake-hang", messages }, { timeout: 300 })).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const stream = await openai().chat.completions.create({ model: "fake-break", messages, stream: true });
    let text = "";
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      })(),
    ).rejects.toThrow();
    expect(text).toBe("Echo: say");
  });
});

describe("fake Anthropic", () => {
  it("answers messages with cache reads apart from the input tokens", async () => {
    const message = await anthropic().messages.create({ model: "claude-haiku-4-5", max_tokens: 100, system: "You are terse", messages: [{ role: "user", content: "say hello to Ada" }] });
    expect(message.content).toEqual([{ type: "text", text: "Echo: say hello to Ada" }]);
    expect(message.usage).toMatchObject({ input_tokens: 4, cache_read_input_tokens: 3, output_tokens: 5 });
  });

  it("streams message_start, deltas, message_delta and message_stop", async () => {
    const stream = anthropic().messages.stream({ model: "claude-sonnet-4-5", max_tokens: 2, system: "You are terse", messages: [{ role: "user", content: "say hello to Ada" }] });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    const final = await stream.finalMessage();
    expect(text).toBe("Echo: say");
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(final.usage).toMatchObject({ input_tokens: 4, cache_read_input_tokens: 3, output_tokens: 2 });
    expect(final.stop_reason).toBe("max_tokens");
  });

  it("counts tokens, lists models, and refuses a wrong key with Anthropic's 401", async () => {
    expect(await anthropic().messages.countTokens({ model: "claude-sonnet-4-5", system: "You are terse", messages: [{ role: "user", content: "say hello" }] })).toEqual({ input_tokens: 5 });
    expect((await anthropic().models.list()).data.length).toBeGreaterThan(0);
    const error = await anthropic("sk-ant-wrong").models.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error).toMatchObject({ status: 401, error: { type: "error", error: { type: "authentication_error" } } });
  });

  it("fails on demand: 500, 429, a hang, a broken stream", async () => {
    const request = (model: string) => anthropic().messages.create({ model, max_tokens: 10, messages: [{ role: "user", content: "hi there" }] }, { timeout: 300 });
    await expect(request("fake-500")).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    await expect(request("fake-429")).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    await expect(request("fake-hang")).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    const stream = anthropic().messages.stream({ model: "fake-break", max_tokens: 10, messages: [{ role: "user", content: "one two three four" }] });
    await expect(stream.finalMessage()).rejects.toThrow();
  });
});

describe("fake Gemini", () => {
  it("generates content with usageMetadata, cached input included", async () => {
    const result = await gemini("gemini-2.0-flash").generateContent("say hello to Ada");
    expect(result.response.text()).toBe("Echo: say hello to Ada");
    expect(result.response.usageMetadata).toMatchObject({ promptTokenCount: 6, candidatesTokenCount: 5, cachedContentTokenCount: 2 });
  });

  it("streams with alt=sse and ends with the usage", async () => {
    const result = await new GoogleGenerativeAI(FAKE_LLM_KEYS.google)
      .getGenerativeModel({ model: "gemini-2.5-flash", generationConfig: { maxOutputTokens: 3 } }, { baseUrl: fakes.baseUrls.google! })
      .generateContentStream("say hello to Ada");
    const pieces: string[] = [];
    for await (const chunk of result.stream) pieces.push(chunk.text());
    expect(pieces).toEqual(["Echo:", " say", " hello"]);
    const response = await result.response;
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 4, candidatesTokenCount: 3 });
    expect(response.candidates?.[0]?.finishReason).toBe("MAX_TOKENS");
  });

  it("counts tokens, lists models, and refuses a wrong key with Google's API_KEY_INVALID", async () => {
    expect(await gemini("gemini-2.5-pro").countTokens("one two three")).toMatchObject({ totalTokens: 5 });
    const models = await fetch(`${fakes.baseUrls.google}/v1beta/models`, { headers: { "x-goog-api-key": FAKE_LLM_KEYS.google } });
    expect(((await models.json()) as { models: unknown[] }).models.length).toBeGreaterThan(0);
    const error = await gemini("gemini-2.0-flash", "AIza-wrong").generateContent("hi").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GoogleGenerativeAIFetchError);
    expect(error).toMatchObject({ status: 400, errorDetails: [expect.objectContaining({ reason: "API_KEY_INVALID" })] });
  });

  it("fails on demand: 500, 429, a broken stream", async () => {
    await expect(gemini("fake-500").generateContent("hi")).rejects.toMatchObject({ status: 500 });
    await expect(gemini("fake-429").generateContent("hi")).rejects.toMatchObject({ status: 429 });
    const result = await gemini("fake-break").generateContentStream("one two three four");
    const aggregated = expect(result.response).rejects.toThrow();
    await expect(
      (async () => {
        for await (const chunk of result.stream) chunk.text();
      })(),
    ).rejects.toThrow();
    await aggregated;
  });
});
