/**
 * The xR2 client. getPrompt serves a published template from memory and renders it in-process
 * (local mode): the first call for a slug waits for the edge, later ones are answered from the
 * cache, which refreshes in the background (one conditional request per slug at a time) once
 * cacheTtlSeconds have passed. While the edge is slow, failing, rate limiting or refusing the
 * key, the last good copy keeps being served ("stale"), then a bootstrap bundle, then the app's
 * fallback. Exposures of what was served, and the app's events, are delivered in the background.
 */
import { DeliveryQueue } from "./delivery-queue.js";
import { PromptNotFoundError, PromptUnavailableError, TemplateRenderError, XR2Error } from "./errors.js";
import { errorCode, exchange, NetworkFailure, retryable, retryDelayMs, sleep, type Answer } from "./http.js";
import { newEventId, newTraceId } from "./ids.js";
import { chooseVersion, Renderer, type Renderable } from "./render.js";
import type {
  Environment,
  FetchLike,
  GetPromptOptions,
  Origin,
  Prompt,
  PromptBundle,
  PromptDocument,
  Stats,
  TemplateError,
  TrackOptions,
  VariableValue,
  XR2Options,
} from "./types.js";

const MAX_CACHED_PROMPTS = 10_000;
/** Slugs per bundle request of prefetch(), to keep URLs short. */
const PREFETCH_CHUNK = 50;
/** A prompt fetch does not wait out a longer Retry-After: the caller gets a fallback sooner. */
const PROMPT_RETRY_CAP_MS = 2000;

interface CacheEntry {
  document: PromptDocument;
  etag: string | null;
  /** When the edge last confirmed this copy; 0 for a bootstrap copy. */
  confirmedAt: number;
  fromBootstrap: boolean;
  /** The last background refresh failed: past the TTL, answers are "stale". */
  failed: boolean;
  refreshing: boolean;
  /** No new refresh before this time after a failure. */
  retryAt: number;
}

type Loaded = { entry: CacheEntry } | { notFound: true } | { reason: string };

interface Exposure {
  trace_id: string;
  origin: Origin;
  slug: string;
  prompt_id?: string;
  version_id?: string;
  environment: Environment;
  served_at: string;
  status: "success" | "error";
  error_code?: string;
  unit_id?: string;
  variant?: string;
  experiment_id?: string;
  source?: string;
  latency_ms: number;
}

interface TrackedEvent {
  event_id: string;
  trace_id: string;
  event_name: string;
  category?: string;
  fields?: Record<string, string | number | boolean | null>;
  timestamp: string | number;
}

export class XR2 {
  private readonly baseUrl: string;
  private readonly environment: Environment;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly fetchFn: FetchLike;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly loading = new Map<string, Promise<Loaded>>();
  private readonly renderer = new Renderer();
  private readonly events: DeliveryQueue<TrackedEvent>;
  private readonly exposures: DeliveryQueue<Exposure>;
  private readonly origins: Record<Origin, number> = { network: 0, cache: 0, stale: 0, bootstrap: 0, fallback: 0 };
  private refreshes = 0;
  private refreshFailures = 0;
  private readonly onPageHide: (() => void) | null = null;

  constructor(private readonly options: XR2Options) {
    if (!options || typeof options.apiKey !== "string" || options.apiKey === "") throw new XR2Error("XR2 needs an apiKey");
    if (typeof options.baseUrl !== "string" || !/^https?:\/\//.test(options.baseUrl)) {
      throw new XR2Error(`XR2 needs a baseUrl starting with http:// or https://, got ${JSON.stringify(options.baseUrl)}`);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.environment = options.environment ?? "production";
    this.ttlMs = Math.max(0, options.cacheTtlSeconds ?? 60) * 1000;
    this.timeoutMs = Math.max(1, options.fetchTimeoutMs ?? 3000);
    this.maxRetries = Math.max(0, Math.floor(options.maxRetries ?? 2));
    const fetchFn = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
    if (typeof fetchFn !== "function") throw new XR2Error("No fetch in this runtime: pass one as options.fetch");
    this.fetchFn = options.fetch ?? fetchFn.bind(globalThis);
    const queue = <T>(path: string, field: string) =>
      new DeliveryQueue<T>({
        send: (items, keepalive) => this.call("POST", path, { [field]: items }, null, keepalive),
        maxSize: Math.max(1, options.maxQueueSize ?? 10_000),
        maxAttempts: Math.max(1, options.maxSendAttempts ?? 5),
      });
    this.events = queue("/api/v1/events/batch", "events");
    this.exposures = queue("/api/v1/exposures", "exposures");
    if (options.bootstrap !== undefined) this.loadBootstrap(options.bootstrap);
    // Browsers: what waits is sent with keepalive when the page goes away.
    const page = globalThis as { window?: unknown; addEventListener?: (type: string, listener: () => void) => void };
    if (page.window !== undefined && typeof page.addEventListener === "function") {
      this.onPageHide = () => {
        this.exposures.sendNow();
        this.events.sendNow();
      };
      page.addEventListener("pagehide", this.onPageHide);
    }
  }

  /** The prompt rendered with `variables`; see the README for origins and errors. */
  async getPrompt(slug: string, options: GetPromptOptions = {}): Promise<Prompt> {
    const started = Date.now();
    if (typeof slug !== "string" || slug === "") throw new XR2Error("getPrompt needs a slug");
    const { unitId, variables = {} } = options;
    if (unitId !== undefined && (typeof unitId !== "string" || unitId.length < 1 || unitId.length > 128)) {
      throw new XR2Error("unitId must be a string of 1 to 128 characters");
    }
    if (this.options.mode === "remote") return this.getRemote(slug, variables, unitId, started);

    let entry = this.cache.get(slug);
    let origin: Origin;
    if (!entry) {
      const loaded = await this.load(slug);
      if (!("entry" in loaded)) return this.serveFallback(slug, variables, unitId, started, loaded);
      entry = loaded.entry;
      origin = "network";
    } else if (entry.fromBootstrap) {
      origin = "bootstrap";
      this.refresh(slug, entry);
    } else if (Date.now() - entry.confirmedAt < this.ttlMs) {
      origin = "cache";
    } else {
      origin = entry.failed ? "stale" : "cache";
      this.refresh(slug, entry);
    }

    const document = entry.document;
    const chosen = chooseVersion(document, unitId);
    const exposure = {
      trace_id: newTraceId(),
      origin,
      slug,
      prompt_id: document.prompt_id,
      version_id: chosen.version.version_id,
      environment: this.environment,
      served_at: new Date(started).toISOString(),
      unit_id: unitId,
      variant: chosen.variant ?? undefined,
      experiment_id: chosen.experimentId ?? undefined,
      source: this.options.source,
    };
    let rendered: ReturnType<XR2["renderOrReport"]>;
    try {
      rendered = this.renderOrReport(slug, chosen.version.version_id, chosen.version, variables, exposure, started);
    } catch (error) {
      // A published template that does not compile is xR2's fault, not the app's: fall back.
      if (error instanceof TemplateRenderError && error.code === "TEMPLATE_INVALID" && this.options.fallbacks?.[slug]) {
        return this.serveFallback(slug, variables, unitId, started, { reason: error.message });
      }
      throw error;
    }
    this.origins[origin]++;
    return {
      slug,
      environment: this.environment,
      ...rendered,
      model_config: chosen.version.model_config,
      version: chosen.version.version,
      version_id: chosen.version.version_id,
      prompt_id: document.prompt_id,
      trace_id: exposure.trace_id,
      variant: chosen.variant,
      experiment_id: chosen.experimentId,
      origin,
    };
  }

  /**
   * Loads prompts into the cache in one bundle request per 50 slugs (every published prompt when
   * `slugs` is omitted). Resolves with the slugs loaded; a failure leaves the cache as it was.
   */
  async prefetch(slugs?: string[]): Promise<string[]> {
    const chunks: string[][] = [];
    if (slugs === undefined) chunks.push([]);
    else for (let i = 0; i < slugs.length; i += PREFETCH_CHUNK) chunks.push(slugs.slice(i, i + PREFETCH_CHUNK));
    const loaded: string[] = [];
    for (const chunk of chunks) {
      const filter = chunk.map((slug) => `&slug=${encodeURIComponent(slug)}`).join("");
      const answer = await this.fetchWithRetries(`/api/v1/prompts?env=${this.environment}${filter}`, null).catch(() => null);
      const prompts = answer?.status === 200 ? (answer.body as PromptBundle | null)?.prompts : undefined;
      if (!Array.isArray(prompts)) continue;
      for (const document of prompts) {
        if (!isDocument(document) || document.environment !== this.environment) continue;
        this.store(document.slug, { document, etag: null, confirmedAt: Date.now(), fromBootstrap: false });
        loaded.push(document.slug);
      }
    }
    return loaded;
  }

  /**
   * Queues a business event for delivery; returns its event id. Attach it to the trace of the
   * prompt that led to it (`prompt.trace_id`).
   */
  track(
    traceId: string,
    eventName: string,
    fields?: Record<string, string | number | boolean | null>,
    options: TrackOptions = {},
  ): string {
    const eventId = options.eventId ?? newEventId();
    const timestamp = options.timestamp instanceof Date ? options.timestamp.toISOString() : (options.timestamp ?? new Date().toISOString());
    this.events.push({
      event_id: eventId,
      trace_id: traceId,
      event_name: eventName,
      ...(options.category === undefined ? {} : { category: options.category }),
      ...(fields === undefined ? {} : { fields }),
      timestamp,
    });
    return eventId;
  }

  /** Resolves when every queued event and exposure is sent, refused or given up. */
  async flush(): Promise<void> {
    await Promise.all([this.exposures.flush(), this.events.flush()]);
  }

  /** Flushes, then stops listening for page hides; no timer of the client is left. */
  async close(): Promise<void> {
    if (this.onPageHide) {
      (globalThis as { removeEventListener?: (type: string, listener: () => void) => void }).removeEventListener?.("pagehide", this.onPageHide);
    }
    await this.flush();
  }

  stats(): Stats {
    return {
      origins: { ...this.origins },
      cachedPrompts: this.cache.size,
      refreshes: this.refreshes,
      refreshFailures: this.refreshFailures,
      events: this.events.stats(),
      exposures: this.exposures.stats(),
    };
  }

  // ---- cache -------------------------------------------------------------------------------

  private loadBootstrap(bootstrap: PromptBundle | string): void {
    let bundle: PromptBundle;
    try {
      bundle = typeof bootstrap === "string" ? (JSON.parse(bootstrap) as PromptBundle) : bootstrap;
    } catch {
      throw new XR2Error("options.bootstrap is not valid JSON: pass the body of GET /api/v1/prompts");
    }
    if (!bundle || !Array.isArray(bundle.prompts)) throw new XR2Error("options.bootstrap has no prompts list: pass the body of GET /api/v1/prompts");
    if (bundle.environment !== this.environment) {
      throw new XR2Error(`options.bootstrap is a bundle of ${bundle.environment}, but this client serves ${this.environment}`);
    }
    for (const document of bundle.prompts) {
      if (!isDocument(document)) throw new XR2Error("options.bootstrap holds an entry that is not a prompt document");
      this.store(document.slug, { document, etag: null, confirmedAt: 0, fromBootstrap: true });
    }
  }

  private store(slug: string, fields: Pick<CacheEntry, "document" | "etag" | "confirmedAt" | "fromBootstrap">): CacheEntry {
    if (!this.cache.has(slug) && this.cache.size >= MAX_CACHED_PROMPTS) this.cache.delete(this.cache.keys().next().value!);
    const entry: CacheEntry = { ...fields, failed: false, refreshing: false, retryAt: 0 };
    this.cache.set(slug, entry);
    return entry;
  }

  /** The first fetch of a slug; concurrent callers share it. */
  private load(slug: string): Promise<Loaded> {
    let loading = this.loading.get(slug);
    if (!loading) {
      loading = this.fetchDocument(slug, null)
        .then((answer): Loaded => {
          if (answer.status === 200 && isDocument(answer.body)) {
            return { entry: this.store(slug, { document: answer.body, etag: answer.headers.get("etag"), confirmedAt: Date.now(), fromBootstrap: false }) };
          }
          if (answer.status === 404) return { notFound: true };
          return { reason: `HTTP ${answer.status}${errorCode(answer.body) ? ` ${errorCode(answer.body)}` : ""}` };
        })
        .catch((error: unknown): Loaded => ({ reason: error instanceof Error ? error.message : String(error) }))
        .finally(() => this.loading.delete(slug));
      this.loading.set(slug, loading);
    }
    return loading;
  }

  /** One background refresh per slug at a time, conditional on the ETag; paused after a failure. */
  private refresh(slug: string, entry: CacheEntry): void {
    if (entry.refreshing || Date.now() < entry.retryAt) return;
    entry.refreshing = true;
    this.refreshes++;
    this.fetchDocument(slug, entry.etag)
      .then((answer) => {
        if (answer.status === 304) {
          entry.confirmedAt = Date.now();
          entry.failed = entry.fromBootstrap = false;
        } else if (answer.status === 200 && isDocument(answer.body)) {
          this.store(slug, { document: answer.body, etag: answer.headers.get("etag"), confirmedAt: Date.now(), fromBootstrap: false });
        } else if (answer.status === 404) {
          this.cache.delete(slug); // unpublished: the next call asks again, then falls back
        } else {
          throw new Error(`HTTP ${answer.status}`);
        }
      })
      .catch(() => {
        this.refreshFailures++;
        entry.failed = true;
        entry.retryAt = Date.now() + Math.min(Math.max(this.ttlMs, 1000), 30_000);
      })
      .finally(() => {
        entry.refreshing = false;
      });
  }

  private fetchDocument(slug: string, etag: string | null): Promise<Answer> {
    return this.fetchWithRetries(`/api/v1/prompts/${encodeURIComponent(slug)}?env=${this.environment}`, etag);
  }

  /** GET with up to maxRetries retries after timeouts, network errors, 5xx and 429. */
  private async fetchWithRetries(path: string, etag: string | null): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      let answer: Answer | undefined;
      let failure: unknown;
      try {
        answer = await this.call("GET", path, undefined, etag);
      } catch (error) {
        if (!(error instanceof NetworkFailure)) throw error;
        failure = error;
      }
      if (answer && !retryable(answer.status)) return answer;
      const retryAfter = answer?.headers.get("retry-after") ?? null;
      if (attempt >= this.maxRetries || Number(retryAfter) * 1000 > PROMPT_RETRY_CAP_MS) {
        if (answer) return answer;
        throw failure;
      }
      await sleep(retryDelayMs(attempt, retryAfter, 100, PROMPT_RETRY_CAP_MS), true);
    }
  }

  private call(method: string, path: string, body: unknown, etag: string | null, keepalive = false): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.apiKey}`, accept: "application/json" };
    if (etag) headers["if-none-match"] = etag;
    if (body !== undefined) headers["content-type"] = "application/json";
    return exchange(
      this.fetchFn,
      this.baseUrl + path,
      { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(keepalive ? { keepalive } : {}) },
      this.timeoutMs,
    );
  }

  // ---- serving -----------------------------------------------------------------------------

  /** Renders; values the engine refuses are reported as an error exposure, then thrown. */
  private renderOrReport(
    slug: string,
    key: string,
    source: Renderable,
    variables: Record<string, VariableValue>,
    exposure: Omit<Exposure, "status" | "latency_ms">,
    started: number,
  ): { content: string | null; messages: Prompt["messages"] } {
    try {
      const rendered = this.renderer.render(slug, key, source, variables);
      this.report({ ...exposure, status: "success" }, started);
      return rendered;
    } catch (error) {
      if (error instanceof TemplateRenderError && error.code === "VALIDATION_FAILED") {
        this.report({ ...exposure, status: "error", error_code: "VALIDATION_FAILED" }, started);
      }
      throw error;
    }
  }

  private report(exposure: Omit<Exposure, "latency_ms">, started: number): void {
    const item: Record<string, unknown> = { ...exposure, latency_ms: Date.now() - started };
    for (const name in item) if (item[name] === undefined) delete item[name];
    this.exposures.push(item as unknown as Exposure);
  }

  /** No document from the edge: the app's fallback, or a typed error when there is none. */
  private serveFallback(
    slug: string,
    variables: Record<string, VariableValue>,
    unitId: string | undefined,
    started: number,
    why: { notFound: true } | { reason: string },
  ): Prompt {
    const fallback = this.options.fallbacks?.[slug];
    if (!fallback) throw "notFound" in why ? new PromptNotFoundError(slug, this.environment) : new PromptUnavailableError(slug, why.reason);
    const exposure = {
      trace_id: newTraceId(),
      origin: "fallback" as const,
      slug,
      environment: this.environment,
      served_at: new Date(started).toISOString(),
      unit_id: unitId,
      source: this.options.source,
    };
    const source = {
      kind: fallback.messages ? ("chat" as const) : ("text" as const),
      content: fallback.content ?? null,
      messages: fallback.messages ?? null,
      variables: fallback.variables ?? [],
    };
    const rendered = this.renderOrReport(slug, `fallback\u0000${slug}`, source, variables, exposure, started);
    this.origins.fallback++;
    return {
      slug,
      environment: this.environment,
      ...rendered,
      model_config: fallback.model_config ?? {},
      version: null,
      version_id: null,
      prompt_id: null,
      trace_id: exposure.trace_id,
      variant: null,
      experiment_id: null,
      origin: "fallback",
    };
  }

  /** Remote mode: the edge renders, assigns and records the exposure itself. */
  private async getRemote(slug: string, variables: Record<string, VariableValue>, unitId: string | undefined, started: number): Promise<Prompt> {
    let query = `?env=${this.environment}`;
    if (unitId !== undefined) query += `&unit_id=${encodeURIComponent(unitId)}`;
    if (this.options.source !== undefined) query += `&source=${encodeURIComponent(this.options.source)}`;
    const path = `/api/v1/get-prompt/${encodeURIComponent(slug)}${query}`;
    let answer: Answer | undefined;
    let reason = "";
    for (let attempt = 0; ; attempt++) {
      try {
        answer = await this.call("POST", path, { variables }, null);
      } catch (error) {
        answer = undefined;
        reason = error instanceof Error ? error.message : String(error);
      }
      if ((answer && !retryable(answer.status)) || attempt >= this.maxRetries) break;
      const retryAfter = answer?.headers.get("retry-after") ?? null;
      if (Number(retryAfter) * 1000 > PROMPT_RETRY_CAP_MS) break;
      await sleep(retryDelayMs(attempt, retryAfter, 100, PROMPT_RETRY_CAP_MS), true);
    }
    if (answer?.status === 200) {
      const body = answer.body as Omit<Prompt, "origin" | "environment" | "experiment_id"> & { variant?: string | null; experiment_id?: string | null };
      this.origins.network++;
      return {
        slug,
        environment: this.environment,
        content: body.content ?? null,
        messages: body.messages ?? null,
        model_config: body.model_config ?? {},
        version: body.version,
        version_id: body.version_id,
        prompt_id: body.prompt_id,
        trace_id: body.trace_id,
        variant: body.variant ?? null,
        experiment_id: body.experiment_id ?? null,
        origin: "network",
      };
    }
    if (answer?.status === 400 && errorCode(answer.body) === "VALIDATION_FAILED") {
      const error = (answer.body as { error: { message: string; details?: unknown } }).error;
      throw new TemplateRenderError(slug, "VALIDATION_FAILED", Array.isArray(error.details) ? (error.details as TemplateError[]) : [], error.message);
    }
    if (answer?.status === 404) return this.serveFallback(slug, variables, unitId, started, { notFound: true });
    return this.serveFallback(slug, variables, unitId, started, { reason: answer ? `HTTP ${answer.status}` : reason });
  }
}

/** Enough of a document's shape to serve it; the edge is trusted for the rest. */
function isDocument(value: unknown): value is PromptDocument {
  const document = value as PromptDocument | null;
  return (
    typeof document === "object" &&
    document !== null &&
    typeof document.slug === "string" &&
    typeof document.version_id === "string" &&
    (document.kind === "text" || document.kind === "chat") &&
    Array.isArray(document.variables)
  );
}
