/**
 * The one small interface every LLM provider is reached through (one file per provider, each
 * wrapping the official SDK). Errors come out as ProviderError, classified once, so failover and
 * the HTTP answers do not know any SDK's error classes.
 */
import type { LlmProvider } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { TokenCounts } from "../price-table.ts";
import { PROVIDER_NAMES } from "./provider-names.ts";

export interface ChatRequest {
  model: string;
  system: string | null;
  /** Alternating turns; system text travels in `system`. */
  messages: Array<{ role: "user" | "assistant"; content: string }>;
  maxTokens: number;
  temperature?: number | undefined;
  topP?: number | undefined;
  stop?: string[] | undefined;
  signal: AbortSignal;
}

export type StreamPart = { type: "delta"; text: string } | { type: "usage"; usage: TokenCounts } | { type: "finish"; reason: string };

export interface Completion {
  text: string;
  usage: TokenCounts;
  finishReason: string | null;
}

export interface ProviderClient {
  readonly provider: LlmProvider;
  /** Deltas as they come; usage and finish reason when the provider reports them (usually last). */
  stream(request: ChatRequest): AsyncIterable<StreamPart>;
  complete(request: ChatRequest): Promise<Completion>;
  /** The provider's own count of the request's input tokens; undefined where it has no counting endpoint. */
  countTokens?(request: Omit<ChatRequest, "maxTokens">): Promise<number>;
  /** Resolves when the provider accepts the key (a cheap read: the model list). */
  verifyKey(signal: AbortSignal): Promise<void>;
}

export interface ProviderConfig {
  apiKey: string;
  baseUrl?: string | undefined;
}

/**
 * - rejected_key: 401/403 (or Google's API_KEY_INVALID)
 * - bad_request: any other 4xx but 429: the request itself is wrong, another provider will not help
 * - rate_limited (429), server (5xx), timeout, network: worth trying the next provider
 * - stream_broken: the stream failed after it started
 */
export type ProviderErrorKind = "rejected_key" | "bad_request" | "rate_limited" | "server" | "timeout" | "network" | "stream_broken";

export class ProviderError extends Error {
  constructor(
    readonly provider: LlmProvider,
    readonly kind: ProviderErrorKind,
    /** What the provider said, e.g. "401 invalid_api_key: Incorrect API key provided". */
    readonly detail: string,
    readonly status: number | null = null,
    readonly retryAfter: string | null = null,
  ) {
    super(`${PROVIDER_NAMES[provider]} ${ProviderError.verb(kind)} (${detail})`);
    this.name = "ProviderError";
  }

  private static verb(kind: ProviderErrorKind): string {
    switch (kind) {
      case "rejected_key":
        return "rejected the key";
      case "bad_request":
        return "rejected the request";
      case "rate_limited":
        return "is rate limiting";
      case "server":
        return "failed";
      case "timeout":
        return "did not answer in time";
      case "network":
        return "could not be reached";
      case "stream_broken":
        return "broke off the stream";
    }
  }

  /** Failover moves on after these, never after a request the provider refused. */
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "server" || this.kind === "timeout" || this.kind === "network";
  }

  /** Stored in llm_usage.error_code: the kind and the provider's status. */
  get code(): string {
    return this.status === null ? this.kind : `${this.kind}_${this.status}`;
  }

  toApiError(): ApiError {
    const code = this.kind === "rejected_key" || this.kind === "bad_request" ? "PROVIDER_REJECTED" : this.kind === "timeout" ? "PROVIDER_TIMEOUT" : "PROVIDER_FAILED";
    return new ApiError(code, this.message, { details: { provider: this.provider, error_code: this.code }, ...(this.retryAfter ? { headers: { "Retry-After": this.retryAfter } } : {}) });
  }
}

/** The kind of an HTTP error status from a provider. */
export function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return "rejected_key";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server";
  return "bad_request";
}

/** Removes the key from a provider's message, wherever the provider echoed it. */
export function withoutKey(message: string, apiKey: string): string {
  return apiKey.length >= 4 ? message.split(apiKey).join("[key]") : message;
}
