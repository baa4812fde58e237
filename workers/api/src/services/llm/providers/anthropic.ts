/** Anthropic through the official `@anthropic-ai/sdk` (Messages API). */
import Anthropic from "@anthropic-ai/sdk";
import { kindOfStatus, ProviderError, withoutKey, type ChatRequest, type ProviderClient, type ProviderConfig } from "./provider-client.ts";
import type { TokenCounts } from "../price-table.ts";

function classify(error: unknown, apiKey: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof Anthropic.APIError && typeof error.status === "number") {
    const body = (error.error ?? {}) as { error?: { type?: string; message?: string } };
    const detail = `${error.status}${body.error?.type ? ` ${body.error.type}` : ""}${body.error?.message ? `: ${body.error.message}` : ""}`;
    return new ProviderError("anthropic", kindOfStatus(error.status), withoutKey(detail, apiKey), error.status, error.headers?.get("retry-after") ?? null);
  }
  if (error instanceof Anthropic.APIConnectionTimeoutError) return new ProviderError("anthropic", "timeout", "no answer before the timeout");
  return new ProviderError("anthropic", "network", withoutKey(error instanceof Error ? error.message : String(error), apiKey));
}

/** Anthropic reports cache reads and writes apart from input_tokens; ours include them. */
function usageOf(usage: { input_tokens: number | null; output_tokens: number; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null }): TokenCounts {
  const cached = usage.cache_read_input_tokens ?? 0;
  return { input: (usage.input_tokens ?? 0) + cached + (usage.cache_creation_input_tokens ?? 0), output: usage.output_tokens, cachedInput: cached };
}

function body(request: Omit<ChatRequest, "signal" | "maxTokens"> & { maxTokens?: number }) {
  return {
    model: request.model,
    messages: request.messages,
    ...(request.system ? { system: request.system } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.topP === undefined ? {} : { top_p: request.topP }),
    ...(request.stop === undefined ? {} : { stop_sequences: request.stop }),
  };
}

export function anthropicClient(config: ProviderConfig): ProviderClient {
  const client = new Anthropic({ apiKey: config.apiKey, maxRetries: 0, ...(config.baseUrl ? { baseURL: config.baseUrl } : {}) });
  return {
    provider: "anthropic",
    async *stream(request) {
      try {
        const stream = await client.messages.create({ ...body(request), max_tokens: request.maxTokens, stream: true }, { signal: request.signal });
        let started: TokenCounts = { input: 0, output: 0, cachedInput: 0 };
        for await (const event of stream) {
          if (event.type === "message_start") started = usageOf(event.message.usage);
          else if (event.type === "content_block_delta" && event.delta.type === "text_delta") yield { type: "delta", text: event.delta.text };
          else if (event.type === "message_delta") {
            if (event.delta.stop_reason) yield { type: "finish", reason: event.delta.stop_reason };
            yield { type: "usage", usage: { ...started, output: event.usage.output_tokens } };
          }
        }
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
    async complete(request) {
      try {
        const message = await client.messages.create({ ...body(request), max_tokens: request.maxTokens }, { signal: request.signal });
        const text = message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
        return { text, usage: usageOf(message.usage), finishReason: message.stop_reason };
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
    async countTokens(request) {
      try {
        const counted = await client.messages.countTokens(body(request), { signal: request.signal });
        return counted.input_tokens;
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
    async verifyKey(signal) {
      try {
        await client.models.list({ limit: 1 }, { signal });
      } catch (error) {
        throw classify(error, config.apiKey);
      }
    },
  };
}
