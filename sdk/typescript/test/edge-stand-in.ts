/**
 * A stand-in for the edge in the SDK's tests: the endpoints of the SDK contract
 * (/work/notes/sdk-contract.md: unrendered prompt, bundle, exposures, events, rendered get-prompt)
 * served from memory on 127.0.0.1, with faults to inject: N answers of a given status (with
 * Retry-After), answers that store and then fail (a lost response), slow answers, a revoked key,
 * per-item refusals, and the whole server going away (connection refused) and coming back.
 * Remote mode renders with the edge's own services, so its answers are the edge's.
 */
import { ApiError, PRODUCT_API_LIMITS, SDK_LIMITS } from "@xr2/shared";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { chooseVersion } from "../../../workers/shared/src/assignment.ts";
import { renderPrompt } from "../../../workers/edge/src/services/render-prompt.ts";
import type { PromptDocument } from "../src/types.ts";

export const API_KEY = "xr2_test_key";

export interface Fault {
  /** Which requests: a path prefix such as "/api/v1/events/batch"; every request when absent. */
  path?: string;
  status: number;
  retryAfter?: string;
  /** How many requests it applies to. */
  count: number;
  /** Store the items first, then answer with `status` (the client never sees the result). */
  afterStoring?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
  status: number;
  at: number;
}

export class EdgeStandIn {
  readonly prompts = new Map<string, PromptDocument>();
  readonly requests: LoggedRequest[] = [];
  /** Stored idempotently, by id, as the edge does. */
  readonly events = new Map<string, Record<string, unknown>>();
  readonly exposures = new Map<string, Record<string, unknown>>();
  /** Every item received, duplicates included. */
  eventsReceived = 0;
  exposuresReceived = 0;
  faults: Fault[] = [];
  delayMs = 0;
  revoked = false;
  /** Items for which this returns a message are refused (VALIDATION_FAILED). */
  refuse: (item: Record<string, unknown>) => string | null = () => null;
  private server: Server | null = null;
  private port = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Connections are refused until start() again (same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  publish(document: PromptDocument): void {
    this.prompts.set(document.slug, document);
  }

  etagOf(document: PromptDocument): string {
    const text = JSON.stringify(document);
    let hash = 2166136261;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
    return `"${hash.toString(16)}"`;
  }

  requestsTo(prefix: string): LoggedRequest[] {
    return this.requests.filter((request) => request.path.startsWith(prefix));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = undefined;
    }
    const logged: LoggedRequest = { method: request.method ?? "", path: url.pathname, query: url.searchParams, headers: request.headers, body, status: 0, at: Date.now() };
    this.requests.push(logged);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      logged.status = status;
      if (response.destroyed) return;
      response.writeHead(status, { ...(payload === undefined ? {} : { "content-type": "application/json" }), ...headers });
      response.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}, details?: unknown) =>
      send(status, { error: { code, message, request_id: "req_test", ...(details === undefined ? {} : { details }) } }, headers);

    const fault = this.faults.find((candidate) => candidate.count > 0 && (!candidate.path || url.pathname.startsWith(candidate.path)));
    if (fault && !fault.afterStoring) {
      fault.count--;
      return error(fault.status, fault.status === 429 ? "RATE_LIMITED" : "DEPENDENCY_UNAVAILABLE", "injected fault", fault.retryAfter ? { "retry-after": fault.retryAfter } : {});
    }
    if (request.headers.authorization !== `Bearer ${API_KEY}` || this.revoked) return error(401, "UNAUTHENTICATED", "The API key is missing, unknown or revoked");
    const environment = url.searchParams.get("env") ?? "production";

    const single = /^\/api\/v1\/prompts\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && single) {
      const document = this.prompts.get(decodeURIComponent(single[1]!));
      if (!document || document.environment !== environment) return error(404, "NOT_FOUND", "No such prompt is published");
      const etag = this.etagOf(document);
      if (request.headers["if-none-match"] === etag) return send(304, undefined, { etag });
      return send(200, document, { etag });
    }
    if (request.method === "GET" && url.pathname === "/api/v1/prompts") {
      const slugs = url.searchParams.getAll("slug");
      const prompts = [...this.prompts.values()].filter((document) => document.environment === environment && (slugs.length === 0 || slugs.includes(document.slug)));
      return send(200, { environment, prompts }, { etag: `"bundle-${prompts.length}"` });
    }
    const remote = /^\/api\/v1\/get-prompt\/([^/]+)$/.exec(url.pathname);
    if (request.method === "POST" && remote) {
      const document = this.prompts.get(decodeURIComponent(remote[1]!));
      if (!document || document.environment !== environment) return error(404, "NOT_FOUND", "No such prompt is published");
      const chosen = chooseVersion({ ...document, workspace_id: "ws_test", experiment: document.experiment ?? undefined }, url.searchParams.get("unit_id") ?? undefined);
      try {
        const rendered = renderPrompt(chosen.version, (body as { variables?: Record<string, string> } | null)?.variables ?? {});
        return send(200, {
          slug: document.slug,
          prompt_id: document.prompt_id,
          version_id: chosen.version.version_id,
          version: chosen.version.version,
          environment,
          content: rendered.content,
          messages: rendered.messages,
          model_config: chosen.version.model_config,
          variables: rendered.values,
          trace_id: "tr_01jf0000000000000000000000",
          ...(chosen.variant ? { variant: chosen.variant } : {}),
        });
      } catch (thrown) {
        if (thrown instanceof ApiError) return error(400, thrown.code, thrown.message, {}, thrown.details);
        throw thrown;
      }
    }
    const batch =
      request.method === "POST" && url.pathname === "/api/v1/events/batch"
        ? { field: "events", id: "event_id", store: this.events, maxItems: PRODUCT_API_LIMITS.eventsPerBatch, maxBytes: PRODUCT_API_LIMITS.eventsBatchBodyBytes }
        : request.method === "POST" && url.pathname === "/api/v1/exposures"
          ? { field: "exposures", id: "trace_id", store: this.exposures, maxItems: SDK_LIMITS.exposuresPerBatch, maxBytes: SDK_LIMITS.exposuresBodyBytes }
          : null;
    if (batch) {
      const items = (body as Record<string, unknown> | null)?.[batch.field];
      // The edge's limits of each endpoint: 100 events or 500 exposures, and their body bytes.
      if (!Array.isArray(items) || items.length < 1 || items.length > batch.maxItems) return error(400, "VALIDATION_FAILED", `${batch.field} must hold 1 to ${batch.maxItems} items`);
      if (text.length > batch.maxBytes) return error(413, "PAYLOAD_TOO_LARGE", `at most ${batch.maxBytes} bytes`);
      const results = items.map((item: Record<string, unknown>, index) => {
        const id = item[batch.id] as string;
        const refusal = this.refuse(item);
        if (refusal) return { index, [batch.id]: id, accepted: false, error: { code: "VALIDATION_FAILED", message: refusal } };
        if (batch.field === "events") this.eventsReceived++;
        else this.exposuresReceived++;
        if (!batch.store.has(id)) batch.store.set(id, item);
        return { index, [batch.id]: id, accepted: true };
      });
      if (fault?.afterStoring) {
        fault.count--;
        return error(fault.status, "DEPENDENCY_UNAVAILABLE", "injected fault after storing");
      }
      return send(202, { results });
    }
    return error(404, "NOT_FOUND", `no route ${request.method} ${url.pathname}`);
  }
}

/** A published text prompt document as the edge serves it. */
export function textPrompt(slug: string, content: string, overrides: Partial<PromptDocument> = {}): PromptDocument {
  return {
    slug,
    prompt_id: `pr_${slug}`,
    environment: "production",
    version_id: `pv_${slug}_1`,
    version: 1,
    kind: "text",
    content,
    messages: null,
    variables: [],
    model_config: { model: "gpt-4o-mini" },
    published_at: "2026-12-06T09:00:00.000Z",
    experiment: null,
    ...overrides,
  };
}
