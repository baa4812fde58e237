// The shapes of /api/llm (workers/api/src/routes/llm/**) and the calls the playground, the
// comparison and the provider settings make, including the run's Server-Sent Events read from a
// streamed fetch (EventSource cannot POST or send the Authorization header).
import { ApiRequestError } from "./client";
import { type Answer, call, callRaw, report, type Schemas } from "./contract";

export type LlmProvider = Schemas["LlmProviderKey"]["provider"];
export const LLM_PROVIDERS: readonly LlmProvider[] = ["openai", "anthropic", "google"];
export const PROVIDER_LABEL: Record<LlmProvider, string> = { openai: "OpenAI", anthropic: "Anthropic", google: "Google" };

/** The API's limits (workers/api/src/routes/llm/schemas.ts LLM_LIMITS). */
export const LLM_LIMITS = { fallbacks: 3, compareTargets: 4, maxTokens: 128_000, timeoutMs: { min: 100, max: 120_000, default: 30_000 } } as const;
/** What the API accepts as a model id. */
export const MODEL_ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:/\\-]{0,99}";

export type ProvidersAnswer = Answer<"get", "/api/llm/providers">;
export type ProviderInfo = ProvidersAnswer["providers"][number];
export type ModelPrice = ProviderInfo["models"][number];
/** key_suffix, e.g. "…x7Qa": the only part of a key the API ever shows. */
export type ProviderKey = Schemas["LlmProviderKey"];
export type KeysAnswer = Answer<"get", "/api/llm/keys">;
export type TestKeyAnswer = Answer<"post", "/api/llm/test-key">;
export type RunSummary = Schemas["LlmRunSummary"];
export type Tokens = RunSummary["tokens"];
export type FailedAttempt = Schemas["LlmFailedAttempt"];

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

export type CountAnswer = Answer<"post", "/api/llm/count-tokens">;
export type CompareAnswer = Answer<"post", "/api/llm/compare">;
export type CompareResult = CompareAnswer["results"][number];
export type LlmUsage = Schemas["LlmUsage"];
export type LlmUsageTotals = LlmUsage["totals"];

export const listProviders = () => call("get", "/api/llm/providers");
export const listKeys = () => call("get", "/api/llm/keys");
export const saveKey = (scope: ProviderKey["scope"], provider: LlmProvider, apiKey: string) =>
  scope === "workspace"
    ? call("put", "/api/llm/workspace-keys/{provider}", { params: { provider }, body: { api_key: apiKey } })
    : call("put", "/api/llm/user-keys/{provider}", { params: { provider }, body: { api_key: apiKey } });
export const deleteKey = (scope: ProviderKey["scope"], provider: LlmProvider) =>
  scope === "workspace" ? call("delete", "/api/llm/workspace-keys/{provider}", { params: { provider } }) : call("delete", "/api/llm/user-keys/{provider}", { params: { provider } });
/** Tests `apiKey`, or without it the key a run would use (yours, else the workspace's). */
export const testKey = (provider: LlmProvider, apiKey?: string) => call("post", "/api/llm/test-key", { body: { provider, ...(apiKey ? { api_key: apiKey } : {}) }, timeoutMs: 20_000 });
export const countTokens = (body: PromptRef & { provider: LlmProvider; model: string; max_tokens?: number }, signal?: AbortSignal) =>
  call("post", "/api/llm/count-tokens", { body, ...(signal ? { signal } : {}) });
export const compareModels = (body: PromptRef & Settings & { targets: Target[]; timeout_ms: number }, signal?: AbortSignal) =>
  // Every target runs at once, each complete (not streamed): allow the longest one its generation time.
  call("post", "/api/llm/compare", { body, timeoutMs: body.timeout_ms + 180_000, ...(signal ? { signal } : {}) });
export const llmUsage = (from: Date, to: Date) => call("get", "/api/analytics/llm-usage", { query: { from: from.toISOString(), to: to.toISOString() } }).then(report);

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
  const response = await callRaw("post", "/api/llm/run", { body: { ...body, stream: true }, signal, timeoutMs });
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
