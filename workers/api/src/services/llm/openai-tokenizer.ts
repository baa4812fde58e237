/**
 * Exact OpenAI token counts with js-tiktoken's lite build and only the two encodings current
 * models use: o200k_base (gpt-4o, gpt-4.1, gpt-5, the o-series) and cl100k_base (gpt-4,
 * gpt-4-turbo, gpt-3.5-turbo). The rank files are large (2.3 MB and 1.1 MB of source), so each is
 * imported on first use, not when the worker starts, and the encoder is kept for the isolate.
 *
 * Chat messages add OpenAI's documented format overhead (the "How to count tokens with tiktoken"
 * cookbook, for gpt-3.5-turbo-0613 and later): 3 tokens per message, 1 more per `name`, and 3
 * that prime the assistant's reply.
 */
import { Tiktoken } from "js-tiktoken/lite";

export type OpenAiEncoding = "o200k_base" | "cl100k_base";

export const CHAT_TOKENS_PER_MESSAGE = 3;
export const CHAT_REPLY_PRIMING_TOKENS = 3;

/** The encoding of an OpenAI model, or undefined for models whose tokenizer is not known. */
export function encodingForModel(model: string): OpenAiEncoding | undefined {
  if (/^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4)(-|$)/.test(model)) return "o200k_base";
  if (/^(gpt-4|gpt-3\.5-turbo)(-|$)/.test(model)) return "cl100k_base";
  return undefined;
}

const encoders = new Map<OpenAiEncoding, Promise<Tiktoken>>();

export function encoder(encoding: OpenAiEncoding): Promise<Tiktoken> {
  let loading = encoders.get(encoding);
  if (!loading) {
    loading = (encoding === "o200k_base" ? import("js-tiktoken/ranks/o200k_base") : import("js-tiktoken/ranks/cl100k_base")).then((ranks) => new Tiktoken(ranks.default));
    encoders.set(encoding, loading);
  }
  return loading;
}

export async function countTextTokens(encoding: OpenAiEncoding, text: string): Promise<number> {
  return (await encoder(encoding)).encode(text).length;
}

/** Tokens of a chat request as OpenAI bills its input: the messages plus the format overhead. */
export async function countChatTokens(encoding: OpenAiEncoding, messages: Array<{ role: string; content: string; name?: string }>): Promise<{ total: number; overhead: number }> {
  const tiktoken = await encoder(encoding);
  let total = CHAT_REPLY_PRIMING_TOKENS;
  let overhead = CHAT_REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += CHAT_TOKENS_PER_MESSAGE + tiktoken.encode(message.role).length + tiktoken.encode(message.content).length;
    overhead += CHAT_TOKENS_PER_MESSAGE + tiktoken.encode(message.role).length;
    if (message.name) {
      total += 1 + tiktoken.encode(message.name).length;
      overhead += 1;
    }
  }
  return { total, overhead };
}
