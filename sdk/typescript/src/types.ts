/**
 * The SDK's public types. They are written out here, not imported from the repository's shared
 * package, so that the published declarations stand on their own: an app type-checks against
 * `@xr2/sdk` with no DOM, Node or Workers types and none of xR2's internals. The documents match
 * the edge's unrendered get-prompt and bundle answers (`GET /api/v1/prompts…`).
 */

/** Where an answer came from. */
export type Origin = "network" | "cache" | "stale" | "bootstrap" | "fallback";
export type Environment = "development" | "staging" | "production";
export type VariableValue = string | number | boolean;

export interface VariableDefinition {
  name: string;
  type: "string" | "number" | "boolean" | "enum";
  required: boolean;
  default?: VariableValue;
  values?: string[];
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** One servable version: the published one, or an experiment variant's. */
export interface PromptVersion {
  version_id: string;
  version: number;
  kind: "text" | "chat";
  content: string | null;
  messages: ChatMessage[] | null;
  variables: VariableDefinition[];
  model_config: Record<string, unknown>;
}

export interface PromptExperiment {
  id: string;
  variants: Array<{ key: string; weight: number; version: PromptVersion }>;
}

/** A published prompt, unrendered, as `GET /api/v1/prompts/{slug}` answers it. */
export interface PromptDocument extends PromptVersion {
  slug: string;
  prompt_id: string;
  environment: Environment;
  published_at: string;
  experiment?: PromptExperiment | null;
}

/** Every published prompt of an environment, as `GET /api/v1/prompts` answers it. */
export interface PromptBundle {
  environment: Environment;
  prompts: PromptDocument[];
}

/** What to serve when xR2 has never answered for a slug: a template rendered like any other. */
export interface FallbackPrompt {
  content?: string;
  messages?: ChatMessage[];
  variables?: VariableDefinition[];
  model_config?: Record<string, unknown>;
}

/** The subset of `fetch` the SDK uses, so any runtime's (or a wrapper) fits. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: unknown; keepalive?: boolean },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface XR2Options {
  /** A product API key (`xr2_…`) with `prompts:read`, and `events:write` to track events. */
  apiKey: string;
  /** The edge's origin, e.g. `https://edge.example.com`. */
  baseUrl: string;
  environment?: Environment;
  /** Names the app in exposures (≤ 64 characters). */
  source?: string;
  /** How long a fetched template is served before a background refresh; default 60. */
  cacheTtlSeconds?: number;
  /** Per request; default 3000. */
  fetchTimeoutMs?: number;
  /** Retries of a prompt fetch after a timeout, network error, 5xx or 429; default 2. */
  maxRetries?: number;
  fallbacks?: Record<string, FallbackPrompt>;
  /** A bundle saved from `GET /api/v1/prompts` (object or JSON text): served until the network answers. */
  bootstrap?: PromptBundle | string;
  /** "local" (default) renders cached templates in-process; "remote" asks the edge to render. */
  mode?: "local" | "remote";
  fetch?: FetchLike;
  /** Events and exposures kept in memory at most; more are dropped and counted. Default 10000. */
  maxQueueSize?: number;
  /** Attempts per batch of events or exposures before it is given up; default unbounded (maxRetryDurationMs decides). */
  maxSendAttempts?: number;
  /** How long a batch of events or exposures is retried through an outage before it is given up; default 600000 (10 minutes). */
  maxRetryDurationMs?: number;
  /** First pause between attempts of a batch (doubled each time, jittered); default 250. */
  retryBaseDelayMs?: number;
  /** Longest pause between attempts of a batch, Retry-After included; default 30000. */
  retryMaxDelayMs?: number;
}

export interface GetPromptOptions {
  variables?: Record<string, VariableValue>;
  /** The user, session, … an experiment assigns stickily (1–128 characters). */
  unitId?: string;
}

export interface Prompt {
  slug: string;
  environment: Environment;
  content: string | null;
  messages: ChatMessage[] | null;
  model_config: Record<string, unknown>;
  /** null when served from a fallback. */
  version: number | null;
  version_id: string | null;
  prompt_id: string | null;
  trace_id: string;
  variant: string | null;
  experiment_id: string | null;
  origin: Origin;
}

export interface TrackOptions {
  /** Defaults to a new unique id; pass your own to make a retried `track` count once. */
  eventId?: string;
  /** ISO 8601 with offset, Unix milliseconds or a Date; defaults to the time of the call. */
  timestamp?: string | number | Date;
  category?: string;
}

/** One problem the template engine found (the edge reports the same in `details`). */
export interface TemplateError {
  code: "syntax" | "missing_variable" | "type_mismatch" | "unknown_variable" | "limit_exceeded";
  message: string;
  variable?: string;
  position?: { offset: number; line: number; column: number };
  message_index?: number;
}

export interface DeliveryStats {
  /** Waiting in memory, or in a batch being sent or retried. */
  queued: number;
  /** Accepted by xR2. */
  sent: number;
  /** Refused by xR2 for validation: dropped, never retried. */
  refused: number;
  /** Given up after the last attempt (or refused as a whole request). */
  failed: number;
  /** Dropped because the queue was full. */
  dropped: number;
}

export interface EventStats extends DeliveryStats {
  /** Dropped by track() because the edge would refuse them (see the README); never sent. */
  invalid: number;
}

export interface Stats {
  /** Answers by origin since the client was created. */
  origins: Record<Origin, number>;
  cachedPrompts: number;
  refreshes: number;
  refreshFailures: number;
  events: EventStats;
  exposures: DeliveryStats;
}
