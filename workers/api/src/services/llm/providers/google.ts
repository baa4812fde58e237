/** Google Gemini through the official `@google/generative-ai` SDK. */
import { GoogleGenerativeAI, GoogleGenerativeAIFetchError, type Content, type UsageMetadata } from "@google/generative-ai";
import { kindOfStatus, ProviderError, withoutKey, type ChatRequest, type ProviderClient, type ProviderConfig } from "./provider-client.ts";
import type { TokenCounts } from "../price-table.ts";

function classify(error: unknown, apiKey: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof GoogleGenerativeAIFetchError && typeof error.status === "number") {
    // The SDK's message is "[GoogleGenerativeAI Error]: Error fetching from <url>: [400 Bad Request] <message> [<details>]".
    const message = /\] (.+?)(?: \[\{.*)?$/s.exec(error.message.replace(/^\[GoogleGenerativeAI Error\]: Error fetching from \S+: \[[^\]]*\]/, "]"))?.[1] ?? error.statusText ?? "";
    const reason = (error.errorDetails ?? []).map((detail) => (detail as { reason?: string }).reason).find(Boolean);
    const kind = reason === "API_KEY_INVALID" ? "rejected_key" : kindOfStatus(error.status);
    return new ProviderError("google", kind, withoutKey(`${error.status}${reason ? ` ${reason}` : ""}: ${message.trim()}`, apiKey), error.status);
  }
  return new ProviderError("google", "network", withoutKey(error instanceof Error ? error.message : String(error), apiKey));
}

/** promptTokenCount includes cached tokens; thinking tokens are billed as output. */
function usageOf(usage: (UsageMetadata & { thoughtsTokenCount?: number }) | undefined): TokenCounts {
  return { input: usage?.promptTokenCount ?? 0, output: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0), cachedInput: usage?.cachedContentTokenCount ?? 0 };
}

const contentsOf = (messages: ChatRequest["messages"]): Content[] => messages.map((message) => ({ role: message.role === "assistant" ? "model" : "user", parts: [{ text: message.content }] }));

export function googleClient(config: ProviderConfig): ProviderClient {
  const sdk = new GoogleGenerativeAI(config.apiKey);
  const requestOptions = config.baseUrl ? { baseUrl: config.baseUrl } : {};
  const model = (request: Omit<ChatRequest, "signal" | "maxTokens"> & { maxTokens?: number }) =>
    sdk.getGenerativeModel(
      {
        model: request.model,
        ...(request.system ? { systemInstruction: request.system } : {}),
        generationConfig: {
          ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.topP === undefined ? {} : { topP: request.topP }),
          ...(request.stop === undefined ? {} : { stopSequences: request.stop }),
        },
      },
      requestOptions,
    );
  return {
    provider: "google",
    async *stream(request) {
      try {
        const result = await model(request).generateContentStream({ contents: contentsOf(request.messages) }, { signal: request.signal });
        // The SDK also aggregates the whole answer; its rejection is the stream's, seen below.
        result.response.catch(() => undefined);
        let usage: UsageMetadata | undefined;
        for await (const chunk of result.stream) {
          const candidate = chunk.candidates?.[0];
          const text = candidate?.content?.parts?.map((part) => part.text ?? "").join("") ?? "";
          if (text) yield { type: "delta", text };
          if (candidate?.finishReason) yield { type: "finish", reason: candidate.finishReason };
          if (chunk.usageMetadata) usage = chunk.usageMetadata;
        }
        yield { type: "usage", usage: usageOf(usage) };
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
    async complete(request) {
      try {
        const result = await model(request).generateContent({ contents: contentsOf(request.messages) }, { signal: request.signal });
        const candidate = result.response.candidates?.[0];
        return { text: candidate?.content?.parts?.map((part) => part.text ?? "").join("") ?? "", usage: usageOf(result.response.usageMetadata), finishReason: candidate?.finishReason ?? null };
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
    async countTokens(request) {
      try {
        // With `contents`, the SDK adds the model's system instruction to the counted request.
        const counted = await model(request).countTokens({ contents: contentsOf(request.messages) }, { signal: request.signal });
        return counted.totalTokens;
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
    async verifyKey(signal) {
      // The SDK has no model list; counting tokens is free and checks the key the same way.
      try {
        await model({ model: "gemini-2.0-flash", system: null, messages: [] }).countTokens("ping", { signal });
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
  };
}
