/**
 * Token counts and a cost estimate before running (L3). OpenAI: exact, with tiktoken
 * (openai-tokenizer.ts), for the models whose encoding is known. Anthropic and Google: the
 * provider's own counting endpoint when a key is saved for it (free calls), else an estimate of
 * one token per four characters, labelled as such (`exact: false, method: "estimate"`).
 * Gemini's countTokens is the model's own tokenizer, so exact; Anthropic documents its
 * count_tokens as an estimate ("the actual number of input tokens used when creating a message
 * may differ by a small amount"), so its answer is `method: "provider"` but `exact: false`.
 * Counting a message list includes each provider's
 * formatting only where it is known (OpenAI's documented overhead; the providers' endpoints count
 * their own). Counting is bounded by COUNT_BUDGET_MS (422 BUDGET_EXCEEDED past it), because
 * every role may count and the playground counts as one types.
 */
import type { LlmProvider } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { within } from "./call-timeouts.ts";
import { countChatTokens, countTextTokens, encodingForModel, TOKENIZER_SLICE_UNITS } from "./openai-tokenizer.ts";
import { costMicros, priceOf } from "./price-table.ts";
import { providerClient } from "./providers/index.ts";
import { ProviderError } from "./providers/provider-client.ts";
import { splitSystem } from "./prepare-run.ts";
import { findProviderKey } from "./resolve-provider-key.ts";
import { WorkBudget } from "../work-budget/work-budget.ts";

const COUNT_TIMEOUT_MS = 10_000;
const CHARS_PER_TOKEN_ESTIMATE = 4;
/** Wall-clock time one count may take; the slowest text a 1 MB body can hold (letters without spaces) counts in about a second. */
export const COUNT_BUDGET_MS = 5_000;

export interface CountInput {
  workspaceId: string;
  userId: string;
  provider: LlmProvider;
  model: string;
  /** Plain text (counted as it is), or chat messages (counted as a request). */
  text?: string | undefined;
  messages?: Array<{ role: "system" | "user" | "assistant"; content: string }> | undefined;
  maxTokens: number;
}

type Method = "tiktoken" | "provider" | "estimate";

export async function countTokens({ ctx, input }: { ctx: ServiceContext; input: CountInput }) {
  const messages = input.messages ?? [{ role: "user" as const, content: input.text ?? "" }];
  const counted = await count(ctx, input, messages);
  const price = priceOf(input.provider, input.model);
  const inputMicros = costMicros(price, { input: counted.tokens, output: 0, cachedInput: 0 });
  const outputMicros = costMicros(price, { input: 0, output: input.maxTokens, cachedInput: 0 });
  return {
    provider: input.provider,
    model: input.model,
    input_tokens: counted.tokens,
    exact: counted.exact,
    method: counted.method,
    encoding: counted.encoding ?? null,
    message_overhead_tokens: counted.overhead,
    note: counted.note,
    max_output_tokens: input.maxTokens,
    cost_estimate: {
      priced: price !== undefined,
      input_micros: inputMicros,
      output_micros_at_max_tokens: outputMicros,
      total_micros_at_max_tokens: inputMicros + outputMicros,
      input_usd: inputMicros / 1e6,
      total_usd_at_max_tokens: (inputMicros + outputMicros) / 1e6,
    },
  };
}

async function count(ctx: ServiceContext, input: CountInput, messages: NonNullable<CountInput["messages"]>): Promise<{ tokens: number; method: Method; exact: boolean; encoding?: string; overhead: number; note: string }> {
  const characters = messages.reduce((sum, message) => sum + message.content.length, 0);
  const estimate = (why: string) => ({ tokens: Math.ceil(characters / CHARS_PER_TOKEN_ESTIMATE), method: "estimate" as const, exact: false, overhead: 0, note: `Estimate (one token per ${CHARS_PER_TOKEN_ESTIMATE} characters): ${why}` });
  if (input.provider === "openai") {
    const encoding = encodingForModel(input.model);
    if (!encoding) return estimate(`no known tokenizer for ${input.model}`);
    const budget = new WorkBudget("The text is too long to count", COUNT_BUDGET_MS, TOKENIZER_SLICE_UNITS);
    if (input.text !== undefined && input.messages === undefined) {
      return { tokens: await countTextTokens(encoding, input.text, budget), method: "tiktoken", exact: true, encoding, overhead: 0, note: `Exact: ${encoding} tokens of the text alone` };
    }
    const chat = await countChatTokens(encoding, messages, budget);
    return { tokens: chat.total, method: "tiktoken", exact: true, encoding, overhead: chat.overhead, note: `Exact: ${encoding}, including OpenAI's chat format overhead (3 tokens per message, 3 priming the reply)` };
  }
  const key = await findProviderKey(ctx, { workspaceId: input.workspaceId, userId: input.userId, provider: input.provider });
  if (!key) return estimate(`no ${input.provider} key is saved, so the provider's counting endpoint was not asked`);
  const client = providerClient(ctx.env, input.provider, key.apiKey);
  const split = splitSystem(messages);
  try {
    const tokens = await within(COUNT_TIMEOUT_MS, input.provider, (signal) => client.countTokens!({ model: input.model, system: split.system, messages: split.messages, signal }));
    if (input.provider === "anthropic") return { tokens, method: "provider", exact: false, overhead: 0, note: "Estimate: counted by Anthropic's messages.countTokens, which Anthropic documents as an estimate (the run's own count may differ slightly)" };
    return { tokens, method: "provider", exact: true, overhead: 0, note: "Exact: counted by Gemini's countTokens" };
  } catch (error) {
    if (error instanceof ProviderError) return estimate(`the provider's counting endpoint failed (${error.message})`);
    throw error;
  }
}
