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
import { errorCode, exchange, NetworkFailure, retryable, retryDelayMs, sleep, timer, type Answer } from "./http.js";
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

/**
 * An exposure as queued until its batch is sent: its shape (what it shares with every exposure of
 * the same version, variant and origin, as JSON text made once: XR2.shape), its trace and unit ids,
 * whether its render failed, and two small integers (served time in ms since the client started,
 * latency in µs). An app serving thousands of prompts a second keeps hundreds of these alive while
 * a batch is in flight; each is then one object and one string for the garbage collector to move,
 * not five, which is what held the SDK's p99 far above its median (bench/sdk.ts).
 */
class QueuedExposure {
  constructor(
    /** Made before the render, so getPrompt allocates nothing else for it. */
    readonly shape: string,
    readonly traceId: string,
    readonly unitId: string | undefined,
    readonly servedAtOffset: number,
    /** Set when the render's outcome is known. */
    public latencyUs = 0,
    /** The values were refused (VALIDATION_FAILED). */
    public failed = false,
  ) {}
}

const ENVIRONMENTS = ["development", "staging", "production"];
const EVENT_NAME = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const TRACE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** NUL or a lone surrogate: text the edge cannot store. */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MAX_EVENT_FIELDS = 32;
const MAX_FIELD_CHARS = 1024;
/** After a failed first fetch of a slug with a fallback: no new attempt before this long. */
const MAX_RETRY_INTERVAL_MS = 5000;
/** A clock for latencies: monotonic where the runtime has one. */
const clock: () => number = (globalThis as { performance?: { now?: unknown } }).performance?.now ? () => performance.now() : Date.now;

export class XR2 {
  private readonly baseUrl: string;
  private readonly environment: Environment;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly fetchFn: FetchLike;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly loading = new Map<string, Promise<Loaded>>();
  /** Slugs xR2 said are not published (404 NOT_FOUND), with when: asked again after the TTL. */
  private readonly notFound = new Map<string, number>();
  /** Slugs whose first fetch failed, with when: served from the fallback at once meanwhile. */
  private readonly unreachable = new Map<string, number>();
  /** Background refreshes and loads under way, awaited by flush(). */
  private readonly background = new Set<Promise<unknown>>();
  private readonly retryIntervalMs: number;
  private readonly renderer = new Renderer();
  private readonly events: DeliveryQueue<string>;
  private readonly exposures: DeliveryQueue<QueuedExposure>;
  /** Exposure shapes by version (the document, a variant's version or a fallback), then variant, then origin. */
  private readonly shapes = new WeakMap<object, Map<string, Partial<Record<Origin, string>>>>();
  /** The epoch of QueuedExposure.servedAtOffset. */
  private readonly startedAt = Date.now();
  private readonly origins: Record<Origin, number> = { network: 0, cache: 0, stale: 0, bootstrap: 0, fallback: 0 };
  private refreshes = 0;
  private refreshFailures = 0;
  private invalidEvents = 0;
  private readonly onPageHide: (() => void) | null = null;

  constructor(private readonly options: XR2Options) {
    if (!options || typeof options.apiKey !== "string" || options.apiKey === "") throw new XR2Error("XR2 needs an apiKey");
    if (typeof options.baseUrl !== "string" || !/^https?:\/\//.test(options.baseUrl)) {
      throw new XR2Error(`XR2 needs a baseUrl starting with http:// or https://, got ${JSON.stringify(options.baseUrl)}`);
    }
    const { environment = "production", source, mode } = options;
    if (!ENVIRONMENTS.includes(environment)) throw new XR2Error(`environment must be one of ${ENVIRONMENTS.join(", ")}, got ${JSON.stringify(environment)}`);
    if (mode !== undefined && mode !== "local" && mode !== "remote") throw new XR2Error(`mode must be "local" or "remote", got ${JSON.stringify(mode)}`);
    if (source !== undefined && (typeof source !== "string" || source === "" || source.length > 64 || UNSTORABLE.test(source))) {
      throw new XR2Error("source must be text of 1 to 64 characters, without NUL or lone surrogates");
    }
    if (options.fallbacks !== undefined && (typeof options.fallbacks !== "object" || options.fallbacks === null)) {
      throw new XR2Error("fallbacks must be an object of slug → { content } or { messages }");
    }
    const number = (name: keyof XR2Options, fallback: number, min: number, integer = false): number => {
      const value = options[name] ?? fallback;
      if (typeof value !== "number" || Number.isNaN(value) || value < min || (integer && value !== Infinity && !Number.isInteger(value))) {
        throw new XR2Error(`${name} must be ${integer ? "an integer" : "a number"} of at least ${min}, got ${JSON.stringify(value)}`);
      }
      return value;
    };
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.environment = environment;
    this.ttlMs = number("cacheTtlSeconds", 60, 0) * 1000;
    this.timeoutMs = number("fetchTimeoutMs", 3000, 1);
    this.maxRetries = number("maxRetries", 2, 0, true);
    this.retryIntervalMs = Math.min(Math.max(this.ttlMs, 100), MAX_RETRY_INTERVAL_MS);
    const fetchFn = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
    if (typeof fetchFn !== "function") throw new XR2Error("No fetch in this runtime: pass one as options.fetch");
    this.fetchFn = options.fetch ?? fetchFn.bind(globalThis);
    const delivery = {
      maxSize: number("maxQueueSize", 10_000, 1, true),
      maxAttempts: number("maxSendAttempts", Infinity, 1, true),
      maxDurationMs: number("maxRetryDurationMs", 600_000, 0),
      baseDelayMs: number("retryBaseDelayMs", 250, 1),
      maxDelayMs: number("retryMaxDelayMs", 30_000, 1),
      keepalive: { inFlight: 0 },
    };
    const send = (path: string) => (body: string, keepalive: boolean) => this.call("POST", path, body, null, keepalive);
    // Fewer, larger exposure requests: one in 500 getPrompt calls pays for a batch, not one in 100.
    this.events = new DeliveryQueue<string>({ ...delivery, field: "events", batchSize: 100, serialize: (text) => text, send: send("/api/v1/events/batch") });
    this.exposures = new DeliveryQueue<QueuedExposure>({ ...delivery, field: "exposures", batchSize: 500, serialize: (exposure) => serializeExposure(exposure, this.startedAt), send: send("/api/v1/exposures") });
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

  /**
   * The prompt rendered with `variables`; see the README for origins and errors. A cached prompt
   * is served without an async function: one would allocate its whole frame on every call, the
   * largest part of what a cached getPrompt leaves for the garbage collector (bench/sdk.ts), so
   * the answer is made synchronously and handed over resolved, and any error rejected, never thrown.
   */
  getPrompt(slug: string, options: GetPromptOptions = {}): Promise<Prompt> {
    try {
      const started = clock();
      const servedAt = Date.now();
      if (typeof slug !== "string" || slug === "") throw new XR2Error("getPrompt needs a slug");
      // null as well as undefined means no values, so a missing one is named, not a TypeError.
      const { unitId } = options;
      const variables = options.variables ?? {};
      if (unitId !== undefined && (typeof unitId !== "string" || unitId.length < 1 || unitId.length > 128)) {
        throw new XR2Error("unitId must be a string of 1 to 128 characters");
      }
      if (this.options.mode === "remote") return this.getRemote(slug, variables, unitId, started, servedAt);
      const entry = this.cache.get(slug);
      if (!entry) return this.getUncached(slug, variables, unitId, started, servedAt);
      let origin: Origin;
      if (entry.fromBootstrap) {
        origin = "bootstrap";
        this.refresh(slug, entry);
      } else if (servedAt - entry.confirmedAt < this.ttlMs) {
        origin = "cache";
      } else {
        origin = entry.failed ? "stale" : "cache";
        this.refresh(slug, entry);
      }
      return Promise.resolve(this.serve(slug, entry, origin, variables, unitId, started, servedAt));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A slug not in the cache: the fallback when xR2 said it is not published or just failed, else the edge's answer. */
  private async getUncached(slug: string, variables: Record<string, VariableValue>, unitId: string | undefined, started: number, servedAt: number): Promise<Prompt> {
    const missed = this.notFound.get(slug);
    if (missed !== undefined && servedAt - missed < this.ttlMs) return this.serveFallback(slug, variables, unitId, started, servedAt, { notFound: true });
    const failed = this.unreachable.get(slug);
    if (failed !== undefined && this.options.fallbacks?.[slug]) {
      // xR2 failed for this slug before: answer at once, look again in the background.
      if (servedAt - failed >= this.retryIntervalMs) this.inBackground(this.load(slug));
      return this.serveFallback(slug, variables, unitId, started, servedAt, { reason: "xR2 was unreachable moments ago" });
    }
    const loaded = await this.load(slug);
    if (!("entry" in loaded)) return this.serveFallback(slug, variables, unitId, started, servedAt, loaded);
    return this.serve(slug, loaded.entry, "network", variables, unitId, started, servedAt);
  }

  /** Renders the cached document's version for the unit, queues its exposure and makes the answer. */
  private serve(slug: string, entry: CacheEntry, origin: Origin, variables: Record<string, VariableValue>, unitId: string | undefined, started: number, servedAt: number): Prompt {
    const document = entry.document;
    const chosen = chooseVersion(document, unitId);
    const version = chosen.version;
    const traceId = newTraceId();
    const shape = this.shape(version, origin, slug, chosen.variant, chosen.experimentId, document.prompt_id, version.version_id);
    let rendered: ReturnType<XR2["renderOrReport"]>;
    try {
      rendered = this.renderOrReport(slug, version.version_id, version, variables, new QueuedExposure(shape, traceId, unitId, servedAt - this.startedAt), started, document.published_at);
    } catch (error) {
      // A published template that does not compile is xR2's fault, not the app's: fall back.
      if (error instanceof TemplateRenderError && error.code === "TEMPLATE_INVALID" && this.options.fallbacks?.[slug]) {
        return this.serveFallback(slug, variables, unitId, started, servedAt, { reason: error.message });
      }
      throw error;
    }
    this.origins[origin]++;
    return {
      slug,
      environment: this.environment,
      content: rendered.content,
      messages: rendered.messages,
      model_config: version.model_config,
      version: version.version,
      version_id: version.version_id,
      prompt_id: document.prompt_id,
      trace_id: traceId,
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
   * prompt that led to it (`prompt.trace_id`). Never throws: an event the edge would refuse (see
   * the README) or one that finds the queue full is dropped, counted in stats().events
   * (`invalid`, `dropped`) and answered with null, so it cannot spoil the batch it would join.
   */
  track(
    traceId: string,
    eventName: string,
    fields?: Record<string, string | number | boolean | null>,
    options: TrackOptions = {},
  ): string | null {
    const eventId = options.eventId ?? newEventId();
    const when = options.timestamp ?? Date.now();
    const timestamp = when instanceof Date ? when.getTime() : when;
    const category = options.category;
    let text: string;
    if (
      typeof traceId !== "string" || !TRACE_ID.test(traceId) ||
      typeof eventName !== "string" || !EVENT_NAME.test(eventName) ||
      typeof eventId !== "string" || !EVENT_ID.test(eventId) ||
      !(typeof timestamp === "number" ? Number.isFinite(timestamp) && timestamp > 0 : typeof timestamp === "string" && !Number.isNaN(Date.parse(timestamp))) ||
      (category !== undefined && (typeof category !== "string" || category.trim() === "" || category.length > 64)) ||
      !validFields(fields)
    ) {
      this.invalidEvents++;
      return null;
    }
    try {
      text = JSON.stringify({
        event_id: eventId,
        trace_id: traceId,
        event_name: eventName,
        category,
        fields,
        timestamp: typeof timestamp === "number" ? new Date(timestamp).toISOString() : timestamp,
      });
    } catch {
      this.invalidEvents++;
      return null;
    }
    return this.events.push(text) ? eventId : null;
  }

  /**
   * Resolves when every queued event and exposure is sent, refused or given up, and every
   * background refresh of a prompt has settled (so `ctx.waitUntil(xr2.flush())` covers them in
   * Workers). During an outage it waits within the retry budget (`maxRetryDurationMs`);
   * `timeoutMs` bounds the wait. Resolves with the number of items not yet settled (0 when all
   * are); what is left keeps being delivered in the background. Never throws.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<number> {
    const work = Promise.all([this.exposures.flush(), this.events.flush(), ...this.background]).then(() => undefined);
    let handle: ReturnType<typeof setTimeout> | undefined;
    if (options.timeoutMs !== undefined) {
      await Promise.race([work, new Promise<void>((resolve) => (handle = timer(resolve, Math.max(0, options.timeoutMs!), true)))]);
      clearTimeout(handle);
    } else {
      await work;
    }
    return this.exposures.pending() + this.events.pending();
  }

  /** Flushes (bounded like flush()), then stops listening for page hides; no timer of the client is left. */
  async close(options: { timeoutMs?: number } = {}): Promise<number> {
    if (this.onPageHide) {
      (globalThis as { removeEventListener?: (type: string, listener: () => void) => void }).removeEventListener?.("pagehide", this.onPageHide);
    }
    return this.flush(options);
  }

  stats(): Stats {
    return {
      origins: { ...this.origins },
      cachedPrompts: this.cache.size,
      refreshes: this.refreshes,
      refreshFailures: this.refreshFailures,
      events: { ...this.events.stats(), invalid: this.invalidEvents },
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
            this.unreachable.delete(slug);
            this.notFound.delete(slug);
            return { entry: this.store(slug, { document: answer.body, etag: answer.headers.get("etag"), confirmedAt: Date.now(), fromBootstrap: false }) };
          }
          if (notPublished(answer)) {
            this.unreachable.delete(slug);
            remember(this.notFound, slug);
            return { notFound: true };
          }
          throw new Error(`HTTP ${answer.status} ${errorCode(answer.body) ?? ""}`.trim());
        })
        .catch((error: unknown): Loaded => {
          remember(this.unreachable, slug);
          return { reason: error instanceof Error ? error.message : String(error) };
        })
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
    const refreshing = this.fetchDocument(slug, entry.etag)
      .then((answer) => {
        if (answer.status === 304) {
          entry.confirmedAt = Date.now();
          entry.failed = entry.fromBootstrap = false;
        } else if (answer.status === 200 && isDocument(answer.body)) {
          this.store(slug, { document: answer.body, etag: answer.headers.get("etag"), confirmedAt: Date.now(), fromBootstrap: false });
        } else if (notPublished(answer)) {
          this.cache.delete(slug); // unpublished: falls back, and asks again after the TTL
          remember(this.notFound, slug);
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
    this.inBackground(refreshing);
  }

  /** Keeps a background promise for flush() until it settles. */
  private inBackground(work: Promise<unknown>): void {
    if (this.background.has(work)) return;
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
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

  private call(method: string, path: string, body: string | undefined, etag: string | null, keepalive = false): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.apiKey}`, accept: "application/json" };
    if (etag) headers["if-none-match"] = etag;
    if (body !== undefined) headers["content-type"] = "application/json";
    return exchange(this.fetchFn, this.baseUrl + path, { method, headers, body, keepalive }, this.timeoutMs);
  }

  // ---- serving -----------------------------------------------------------------------------

  /** Renders; values the engine refuses are reported as an error exposure, then thrown. */
  private renderOrReport(
    slug: string,
    key: string,
    source: Renderable,
    variables: Record<string, VariableValue>,
    exposure: QueuedExposure,
    /** clock() when the call started, for the exposure's latency. */
    started: number,
    /** The document's published_at: a republish serves new text for the same version. */
    at?: string,
  ): { content: string | null; messages: Prompt["messages"] } {
    try {
      const rendered = this.renderer.render(slug, key, source, variables, at);
      this.report(exposure, started);
      return rendered;
    } catch (error) {
      if (error instanceof TemplateRenderError && error.code === "VALIDATION_FAILED") {
        exposure.failed = true;
        this.report(exposure, started);
      }
      throw error;
    }
  }

  private report(exposure: QueuedExposure, started: number): void {
    exposure.latencyUs = Math.max(0, Math.round((clock() - started) * 1000));
    this.exposures.push(exposure);
  }

  /**
   * The shared shape of exposures of `version` (for `variant`) served from `origin`: their common
   * fields as JSON text without braces, made the first time. Its fields come as arguments, not from
   * a callback: a closure would make every getPrompt allocate it and a context for the variables
   * it captures.
   */
  private shape(
    version: object,
    origin: Origin,
    slug: string,
    variant?: string | null,
    experimentId?: string | null,
    promptId?: string,
    versionId?: string,
  ): string {
    let byVariant = this.shapes.get(version);
    if (!byVariant) this.shapes.set(version, (byVariant = new Map()));
    let byOrigin = byVariant.get(variant ?? "");
    if (!byOrigin) byVariant.set(variant ?? "", (byOrigin = {}));
    return (byOrigin[origin] ??= JSON.stringify({
      origin,
      slug,
      prompt_id: promptId,
      version_id: versionId,
      environment: this.environment,
      // Absent fields are undefined, which JSON leaves out.
      variant: variant || undefined,
      experiment_id: experimentId || undefined,
      source: this.options.source,
    }).slice(1, -1));
  }

  /** No document from the edge: the app's fallback, or a typed error when there is none. */
  private serveFallback(
    slug: string,
    variables: Record<string, VariableValue>,
    unitId: string | undefined,
    started: number,
    servedAt: number,
    why: { notFound: true } | { reason: string },
  ): Prompt {
    const fallback = this.options.fallbacks?.[slug];
    if (!fallback) throw "notFound" in why ? new PromptNotFoundError(slug, this.environment) : new PromptUnavailableError(slug, why.reason);
    const traceId = newTraceId();
    const shape = this.shape(fallback, "fallback", slug);
    const source = {
      kind: fallback.messages ? ("chat" as const) : ("text" as const),
      content: fallback.content ?? null,
      messages: fallback.messages ?? null,
      variables: fallback.variables ?? [],
    };
    const rendered = this.renderOrReport(slug, `fallback\u0000${slug}`, source, variables, new QueuedExposure(shape, traceId, unitId, servedAt - this.startedAt), started);
    this.origins.fallback++;
    return {
      slug,
      environment: this.environment,
      ...rendered,
      model_config: fallback.model_config ?? {},
      version: null,
      version_id: null,
      prompt_id: null,
      trace_id: traceId,
      variant: null,
      experiment_id: null,
      origin: "fallback",
    };
  }

  /** Remote mode: the edge renders, assigns and records the exposure itself. */
  private async getRemote(slug: string, variables: Record<string, VariableValue>, unitId: string | undefined, started: number, servedAt: number): Promise<Prompt> {
    let query = `?env=${this.environment}`;
    if (unitId !== undefined) query += `&unit_id=${encodeURIComponent(unitId)}`;
    if (this.options.source !== undefined) query += `&source=${encodeURIComponent(this.options.source)}`;
    const path = `/api/v1/get-prompt/${encodeURIComponent(slug)}${query}`;
    const body = JSON.stringify({ variables });
    let answer: Answer | undefined;
    let reason = "";
    for (let attempt = 0; ; attempt++) {
      let unsent = false;
      try {
        answer = await this.call("POST", path, body, null);
      } catch (error) {
        answer = undefined;
        reason = error instanceof Error ? error.message : String(error);
        unsent = error instanceof NetworkFailure && error.unsent;
      }
      // The edge records an exposure for each POST it serves: retry only what proves it was not
      // served (a refused connection, a 429 or 503 with Retry-After), never a timeout or a 500.
      const retryAfter = answer?.headers.get("retry-after") ?? null;
      const notServed = unsent || ((answer?.status === 429 || answer?.status === 503) && retryAfter !== null);
      if (!notServed || attempt >= this.maxRetries || Number(retryAfter) * 1000 > PROMPT_RETRY_CAP_MS) break;
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
    if (answer && notPublished(answer)) return this.serveFallback(slug, variables, unitId, started, servedAt, { notFound: true });
    return this.serveFallback(slug, variables, unitId, started, servedAt, { reason: answer ? `HTTP ${answer.status}` : reason });
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

/** Field names are identifiers; values text (≤ 1024, storable), finite numbers, booleans or null. */
function validFields(fields: unknown): boolean {
  if (fields === undefined) return true;
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) return false;
  let count = 0;
  for (const name in fields) {
    const value = (fields as Record<string, unknown>)[name];
    if (++count > MAX_EVENT_FIELDS || !FIELD_NAME.test(name)) return false;
    if (typeof value === "string" ? value.length > MAX_FIELD_CHARS || UNSTORABLE.test(value) : typeof value === "number" ? !Number.isFinite(value) : value !== null && typeof value !== "boolean") return false;
  }
  return true;
}

let isoMs = NaN;
let isoText = "";

/**
 * The exposure's JSON as the edge takes it, made when its batch is sent from text made once: the
 * shape's fields once per shape, the served time once per millisecond; the trace id (minted here,
 * of [0-9a-z_] only) needs no escaping. The same fields JSON.stringify would write, in about a
 * third of the memory: an app serving thousands of prompts a second makes this garbage on its
 * own event loop.
 */
function serializeExposure(exposure: QueuedExposure, epoch: number): string {
  const ms = epoch + exposure.servedAtOffset;
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  const unit = exposure.unitId === undefined ? "" : `,"unit_id":${JSON.stringify(exposure.unitId)}`;
  return `{"trace_id":"${exposure.traceId}",${exposure.shape},"status":"${exposure.failed ? `error","error_code":"VALIDATION_FAILED` : "success"}","served_at":"${isoText}"${unit},"latency_ms":${exposure.latencyUs / 1000}}`;
}

/** A 404 means "not published" only with the edge's NOT_FOUND code; any other (a proxy, a wrong path) is an outage. */
function notPublished(answer: Answer): boolean {
  return answer.status === 404 && errorCode(answer.body) === "NOT_FOUND";
}

/** Notes when `slug` last had this outcome, forgetting the oldest past the cache's bound. */
function remember(seen: Map<string, number>, slug: string): void {
  seen.delete(slug);
  if (seen.size >= MAX_CACHED_PROMPTS) seen.delete(seen.keys().next().value!);
  seen.set(slug, Date.now());
}
