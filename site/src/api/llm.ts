// The shapes of /api/llm (workers/api/src/routes/llm/**) and the calls the playground, the
// comparison and the provider settings make, including the run's Server-Sent Events read from a
// streamed fetch (EventSource cannot POST or send the Authorization header).
import { api, ApiRequestError, sendRaw } from "./client";

export type LlmProvider = "openai" | "anthropic" | "google";
export const LLM_PROVIDERS: readonly LlmProvider[] = ["openai", "anthropic", "google"];
export const PROVIDER_LABEL: Record<LlmProvider, string> = { openai: "OpenAI", anthropic: "Anthropic", google: "Google" };

/** The API's limits (workers/api/src/routes/llm/schemas.ts LLM_LIMITS). */
export const LLM_LIMITS = { fallbacks: 3, compareTargets: 4, maxTokens: 128_000, timeoutMs: { min: 100, max: 120_000, default: 30_000 } } as const;
/** What the API accepts as a model id. */
export const MODEL_ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:/\\-]{0,99}";

export interface ModelPrice {
  model: string;
  name: string;
  input_per_million: number;
  output_per_million: number;
  cached_input_per_million: number | null;
  context_window: number;
}

export interface ProviderInfo {
  provider: LlmProvider;
  name: string;
  has_workspace_key: boolean;
  has_user_key: boolean;
  models: ModelPrice[];
}

export interface ProvidersAnswer {
  prices_as_of: string;
  currency: string;
  providers: ProviderInfo[];
}

export interface ProviderKey {
  id: string;
  provider: LlmProvider;
  scope: "workspace" | "user";
  /** e.g. "…x7Qa": the only part of a key the API ever shows. */
  key_suffix: string;
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface KeysAnswer {
  workspace_keys: ProviderKey[];
  user_keys: ProviderKey[];
}

export interface TestKeyAnswer {
  provider: LlmProvider;
  valid: true;
  key_source: "request" | "user" | "workspace";
  key_suffix: string;
}

export interface Tokens {
  input: number;
  output: number;
  cached_input: number;
}

export interface FailedAttempt {
  provider: LlmProvider;
  model: string;
  usage_id: string;
  error_code: string;
  message: string;
  fallback_from: LlmProvider | null;
}

export interface RunSummary {
  usage_id: string;
  provider: LlmProvider;
  model: string;
  fallback_from: LlmProvider | null;
  finish_reason: string | null;
  tokens: Tokens;
  latency_ms: number;
  first_token_ms: number;
  cost_micros: number;
  cost_usd: number;
  priced: boolean;
  failed_attempts: FailedAttempt[];
}

export interface Target {
  provider: LlmProvider;
  model: string;
}

export interface Settings {
  temperature?: number;
  max_tokens?: number;
}

export interface PromptRef {
  prompt_id: string;
  version_id: string;
  variables: Record<string, string | number | boolean>;
}

export interface RunRequest extends PromptRef, Settings {
  provider: LlmProvider;
  model: string;
  fallbacks: Target[];
  timeout_ms: number;
}

export type RunEvent =
  | { event: "start"; data: { provider: LlmProvider; model: string; fallback_from: LlmProvider | null; failed_attempts: FailedAttempt[] } }
  | { event: "delta"; data: { text: string } }
  | { event: "done"; data: RunSummary }
  | { event: "error"; data: { code: string; message: string; provider: LlmProvider; model: string; error_code: string; request_id?: string } };

export interface CountAnswer {
  provider: LlmProvider;
  model: string;
  input_tokens: number;
  exact: boolean;
  method: "tiktoken" | "provider" | "estimate";
  encoding: string | null;
  message_overhead_tokens: number;
  note: string;
  max_output_tokens: number;
  cost_estimate: {
    priced: boolean;
    input_micros: number;
    output_micros_at_max_tokens: number;
    total_micros_at_max_tokens: number;
    input_usd: number;
    total_usd_at_max_tokens: number;
  };
}

export interface CompareResult {
  provider: LlmProvider;
  model: string;
  ok: boolean;
  output: string | null;
  finish_reason: string | null;
  tokens: Tokens;
  latency_ms: number;
  cost_micros: number;
  cost_usd: number;
  priced: boolean;
  usage_id: string;
  error: { code: string; error_code: string; message: string } | null;
}

export interface CompareAnswer {
  prompt_id: string;
  version_id: string;
  results: CompareResult[];
}

export interface LlmUsageTotals {
  requests: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  tokens_cached: number;
  cost_micros: number;
}

export interface LlmUsage {
  from: string;
  to: string;
  totals: LlmUsageTotals;
  by_model: Array<LlmUsageTotals & { provider: string; model: string }>;
}

export const listProviders = () => api<ProvidersAnswer>("GET", "/api/llm/providers");
export const listKeys = () => api<KeysAnswer>("GET", "/api/llm/keys");
export const saveKey = (scope: ProviderKey["scope"], provider: LlmProvider, apiKey: string) =>
  api<ProviderKey>("PUT", `/api/llm/${scope === "workspace" ? "workspace-keys" : "user-keys"}/${provider}`, { body: { api_key: apiKey } });
export const deleteKey = (scope: ProviderKey["scope"], provider: LlmProvider) => api<void>("DELETE", `/api/llm/${scope === "workspace" ? "workspace-keys" : "user-keys"}/${provider}`);
/** Tests `apiKey`, or without it the key a run would use (yours, else the workspace's). */
export const testKey = (provider: LlmProvider, apiKey?: string) => api<TestKeyAnswer>("POST", "/api/llm/test-key", { body: { provider, ...(apiKey ? { api_key: apiKey } : {}) }, timeoutMs: 20_000 });
export const countTokens = (body: PromptRef & { provider: LlmProvider; model: string; max_tokens?: number }, signal?: AbortSignal) =>
  api<CountAnswer>("POST", "/api/llm/count-tokens", { body, ...(signal ? { signal } : {}) });
export const compareModels = (body: PromptRef & Settings & { targets: Target[]; timeout_ms: number }, signal?: AbortSignal) =>
  // Every target runs at once, each complete (not streamed): allow the longest one its generation time.
  api<CompareAnswer>("POST", "/api/llm/compare", { body, timeoutMs: body.timeout_ms + 180_000, ...(signal ? { signal } : {}) });
export const llmUsage = (from: Date, to: Date) => api<LlmUsage>("GET", "/api/analytics/llm-usage", { query: { from: from.toISOString(), to: to.toISOString() } });

/** The failed attempts an error before the first token carries (all targets failed). */
export function failedAttemptsOf(error: unknown): FailedAttempt[] {
  if (!(error instanceof ApiRequestError)) return [];
  const details = error.details as { failed_attempts?: FailedAttempt[] } | undefined;
  return Array.isArray(details?.failed_attempts) ? details.failed_attempts : [];
}

/**
 * Starts a playground run and yields its events as they arrive. Errors before the stream starts
 * (no key, quota, every target failing) throw ApiRequestError; aborting `signal` ends the stream
 * (the API stops the provider call).
 */
export async function* runStream(body: RunRequest, signal: AbortSignal): AsyncGenerator<RunEvent> {
  // Every target may wait timeout_ms for its first token; then the generation itself.
  const timeoutMs = body.timeout_ms * (1 + body.fallbacks.length) + 300_000;
  const response = await sendRaw("POST", "/api/llm/run", { body: { ...body, stream: true }, signal, timeoutMs });
  if (!response.body) throw new ApiRequestError(response.status, "BAD_RESPONSE", "The API answered without a stream.", response.headers.get("x-request-id"));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      let boundary = buffer.indexOf("\n\n");
      while (boundary >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const parsed = parseEvent(block);
        if (parsed) yield parsed;
        boundary = buffer.indexOf("\n\n");
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

function parseEvent(block: string): RunEvent | null {
  let event = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (data.length === 0) return null;
  return { event, data: JSON.parse(data.join("\n")) } as RunEvent;
}
