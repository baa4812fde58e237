/** OpenAI through the official `openai` SDK (Chat Completions). */
import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { kindOfStatus, ProviderError, withoutKey, type ChatRequest, type ProviderClient, type ProviderConfig } from "./provider-client.ts";
import type { TokenCounts } from "../price-table.ts";

function classify(error: unknown, apiKey: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    const body = (error.error ?? {}) as { message?: string; code?: string | null; type?: string };
    const label = body.code ?? body.type;
    const detail = `${error.status}${label ? ` ${label}` : ""}${body.message ? `: ${body.message}` : ""}`;
    return new ProviderError("openai", kindOfStatus(error.status), withoutKey(detail, apiKey), error.status, error.headers?.get("retry-after") ?? null);
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new ProviderError("openai", "timeout", "no answer before the timeout");
  return new ProviderError("openai", "network", withoutKey(error instanceof Error ? error.message : String(error), apiKey));
}

function usageOf(usage: OpenAI.CompletionUsage): TokenCounts {
  return { input: usage.prompt_tokens, output: usage.completion_tokens, cachedInput: usage.prompt_tokens_details?.cached_tokens ?? 0 };
}

function body(request: ChatRequest) {
  const messages: ChatCompletionMessageParam[] = [...(request.system ? [{ role: "system" as const, content: request.system }] : []), ...request.messages];
  return {
    model: request.model,
    messages,
    max_completion_tokens: request.maxTokens,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.topP === undefined ? {} : { top_p: request.topP }),
    ...(request.stop === undefined ? {} : { stop: request.stop }),
  };
}

export function openAiClient(config: ProviderConfig): ProviderClient {
  // Failover is ours (run-prompt.ts): the SDK must not retry on its own.
  const client = new OpenAI({ apiKey: config.apiKey, maxRetries: 0, ...(config.baseUrl ? { baseURL: config.baseUrl } : {}) });
  return {
    provider: "openai",
    async *stream(request) {
      try {
        const stream = await client.chat.completions.create({ ...body(request), stream: true, stream_options: { include_usage: true } }, { signal: request.signal });
        for await (const chunk of stream) {
          const choice = chunk.choices[0];
          if (choice?.delta.content) yield { type: "delta", text: choice.delta.content };
          if (choice?.finish_reason) yield { type: "finish", reason: choice.finish_reason };
          if (chunk.usage) yield { type: "usage", usage: usageOf(chunk.usage) };
        }
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
    async complete(request) {
      try {
        const completion = await client.chat.completions.create(body(request), { signal: request.signal });
        const choice = completion.choices[0];
        return { text: choice?.message.content ?? "", usage: completion.usage ? usageOf(completion.usage) : { input: 0, output: 0, cachedInput: 0 }, finishReason: choice?.finish_reason ?? null };
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
    async verifyKey(signal) {
      try {
        await client.models.list({ signal });
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
  };
}
