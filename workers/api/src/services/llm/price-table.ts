/**
 * The one price table of the LLM features (L1–L4): list prices in US dollars per million tokens
 * for input, output and cached input (prompt-cache reads), as the providers publish them on
 * their pricing pages. Costs are recorded in micro-dollars, and because every price here is a
 * whole number of thousandths of a dollar per million tokens, a cost is exact integer arithmetic:
 * tokens × (price × 1000) / 1000 micro-dollars, rounded once at the end.
 *
 * Update the prices and PRICES_AS_OF together. Gemini 2.5 Pro has a higher tier for prompts over
 * 200k tokens; the table holds the ≤ 200k tier. Anthropic's cache writes (cache_creation) are
 * billed here as ordinary input.
 */
import type { LlmProvider } from "@xr2/db/schema";

export const PRICES_AS_OF = "2025-11-01";
export const PRICE_CURRENCY = "USD";

export interface ModelPrice {
  provider: LlmProvider;
  model: string;
  name: string;
  /** USD per million tokens. */
  input: number;
  output: number;
  cachedInput: number | null;
  contextWindow: number;
}

const model = (provider: LlmProvider, id: string, name: string, input: number, output: number, cachedInput: number | null, contextWindow: number): ModelPrice => ({
  provider,
  model: id,
  name,
  input,
  output,
  cachedInput,
  contextWindow,
});

export const MODEL_PRICES: readonly ModelPrice[] = [
  model("openai", "gpt-5", "GPT-5", 1.25, 10, 0.125, 400_000),
  model("openai", "gpt-5-mini", "GPT-5 mini", 0.25, 2, 0.025, 400_000),
  model("openai", "gpt-5-nano", "GPT-5 nano", 0.05, 0.4, 0.005, 400_000),
  model("openai", "gpt-4.1", "GPT-4.1", 2, 8, 0.5, 1_047_576),
  model("openai", "gpt-4.1-mini", "GPT-4.1 mini", 0.4, 1.6, 0.1, 1_047_576),
  model("openai", "gpt-4.1-nano", "GPT-4.1 nano", 0.1, 0.4, 0.025, 1_047_576),
  model("openai", "gpt-4o", "GPT-4o", 2.5, 10, 1.25, 128_000),
  model("openai", "gpt-4o-mini", "GPT-4o mini", 0.15, 0.6, 0.075, 128_000),
  model("openai", "o3", "o3", 2, 8, 0.5, 200_000),
  model("openai", "o4-mini", "o4-mini", 1.1, 4.4, 0.275, 200_000),
  model("openai", "o3-mini", "o3-mini", 1.1, 4.4, 0.55, 200_000),
  model("openai", "gpt-4-turbo", "GPT-4 Turbo", 10, 30, null, 128_000),
  model("openai", "gpt-3.5-turbo", "GPT-3.5 Turbo", 0.5, 1.5, null, 16_385),
  model("anthropic", "claude-opus-4-1", "Claude Opus 4.1", 15, 75, 1.5, 200_000),
  model("anthropic", "claude-opus-4", "Claude Opus 4", 15, 75, 1.5, 200_000),
  model("anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5", 3, 15, 0.3, 200_000),
  model("anthropic", "claude-sonnet-4", "Claude Sonnet 4", 3, 15, 0.3, 200_000),
  model("anthropic", "claude-3-7-sonnet", "Claude Sonnet 3.7", 3, 15, 0.3, 200_000),
  model("anthropic", "claude-haiku-4-5", "Claude Haiku 4.5", 1, 5, 0.1, 200_000),
  model("anthropic", "claude-3-5-haiku", "Claude Haiku 3.5", 0.8, 4, 0.08, 200_000),
  model("google", "gemini-2.5-pro", "Gemini 2.5 Pro", 1.25, 10, 0.125, 1_048_576),
  model("google", "gemini-2.5-flash", "Gemini 2.5 Flash", 0.3, 2.5, 0.03, 1_048_576),
  model("google", "gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", 0.1, 0.4, 0.01, 1_048_576),
  model("google", "gemini-2.0-flash", "Gemini 2.0 Flash", 0.1, 0.4, 0.025, 1_048_576),
  model("google", "gemini-2.0-flash-lite", "Gemini 2.0 Flash-Lite", 0.075, 0.3, null, 1_048_576),
];

/**
 * The price of `modelId`: an exact entry, else the longest entry it starts with followed by "-"
 * (dated snapshots such as gpt-4o-2024-08-06 or claude-sonnet-4-5-20250929). Undefined for
 * models the table does not know; their calls run but cost 0 (`priced: false`).
 */
export function priceOf(provider: LlmProvider, modelId: string): ModelPrice | undefined {
  let best: ModelPrice | undefined;
  for (const entry of MODEL_PRICES) {
    if (entry.provider !== provider) continue;
    if (entry.model === modelId) return entry;
    if (modelId.startsWith(`${entry.model}-`) && (!best || entry.model.length > best.model.length)) best = entry;
  }
  return best;
}

export interface TokenCounts {
  /** All input tokens, cached ones included. */
  input: number;
  output: number;
  cachedInput: number;
}

const thousandths = (usd: number) => Math.round(usd * 1000);

/** The cost in micro-dollars; cached input is billed at the cached price (the input price where none is listed). */
export function costMicros(price: ModelPrice | undefined, tokens: TokenCounts): number {
  if (!price) return 0;
  const cached = Math.min(tokens.cachedInput, tokens.input);
  const total =
    (tokens.input - cached) * thousandths(price.input) + cached * thousandths(price.cachedInput ?? price.input) + tokens.output * thousandths(price.output);
  return Math.round(total / 1000);
}
