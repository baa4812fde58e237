// The one way the site talks to the management API: JSON in and out, the access token and the
// current workspace attached, an expired access token refreshed once (single flight) and the
// request retried, and every failure turned into an ApiRequestError carrying the API's own
// `{ error: { code, message, request_id, details } }` so pages can show what went wrong.
import { apiBaseUrl } from "./base-url";

export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly details: unknown;
  /** Seconds the API asked to wait before trying again (its Retry-After header), when it said. */
  readonly retryAfterSeconds: number | null;

  constructor(status: number, code: string, message: string, requestId: string | null, details?: unknown, retryAfterSeconds: number | null = null) {
    super(message);
    this.name = "ApiRequestError";
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * The message, with the first problem of its details when the message does not say it already.
   * The API words validation problems itself, naming the field ("name: must not be empty",
   * workers/shared/src/validation-messages.ts), so those read as they come.
   */
  get detailedMessage(): string {
    const issues = Array.isArray(this.details) ? (this.details as Array<{ path?: unknown[]; message?: string }>) : [];
    const first = issues[0];
    if (!first?.message || this.message.includes(first.message)) return this.message;
    const path = Array.isArray(first.path) && first.path.length > 0 ? `${first.path.map((segment) => (typeof segment === "number" ? `item ${segment + 1}` : String(segment))).join(" › ")}: ` : "";
    return `${this.message}: ${path}${first.message}`;
  }
}

/** What the client needs from the session; the session module installs it (no import cycle). */
export interface CredentialSource {
  accessToken(): string | null;
  workspaceId(): string | null;
  /** Trades the refresh token for a new access token; false when the session is over. */
  refresh(): Promise<boolean>;
  /** Called when the session cannot be renewed: the site signs out. */
  expired(): void;
}

let credentials: CredentialSource | null = null;
export function installCredentials(source: CredentialSource): void {
  credentials = source;
}

export type Query = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export interface RequestOptions {
  body?: unknown;
  /** Sends `body` (a string) as it is with this media type instead of as JSON (YAML uploads). */
  contentType?: string;
  query?: Query;
  /** Overrides the current workspace (or `null` to send none). */
  workspaceId?: string | null;
  /** No Authorization header (sign-in, sign-up). */
  anonymous?: boolean;
  signal?: AbortSignal;
  /** How long the whole request (a streamed body included) may take; default 30 s. */
  timeoutMs?: number;
}

const TIMEOUT_MS = 30_000;
let refreshing: Promise<boolean> | null = null;

export function apiUrl(path: string, query?: Query): string {
  const url = new URL(`${apiBaseUrl}${path}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    url.searchParams.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return url.toString();
}

/** Sends one request; with `raw` the caller gets the Response (streams, CSV downloads). */
export async function sendRaw(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const attempt = () => fetchOnce(method, path, options);
  let response = await attempt();
  if (response.status === 401 && !options.anonymous && credentials?.accessToken()) {
    refreshing ??= credentials.refresh().finally(() => (refreshing = null));
    if (await refreshing) response = await attempt();
    else credentials.expired();
  }
  if (!response.ok) throw await toError(response);
  return response;
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await sendRaw(method, path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiRequestError(response.status, "BAD_RESPONSE", `The API answered HTTP ${response.status} with something that is not JSON.`, response.headers.get("x-request-id"));
  }
}

async function fetchOnce(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  const raw = options.contentType !== undefined && typeof options.body === "string";
  if (options.body !== undefined) headers["content-type"] = raw ? options.contentType! : "application/json";
  const token = options.anonymous ? null : credentials?.accessToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const workspaceId = options.workspaceId === undefined ? credentials?.workspaceId() : options.workspaceId;
  if (workspaceId && !options.anonymous) headers["x-workspace-id"] = workspaceId;
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  try {
    return await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : raw ? (options.body as string) : JSON.stringify(options.body),
      signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    throw new ApiRequestError(0, timedOut ? "TIMEOUT" : "NETWORK", timedOut ? `The API did not answer within ${Math.round(timeoutMs / 1000)} s.` : "The API cannot be reached. Is it running?", null);
  }
}

async function toError(response: Response): Promise<ApiRequestError> {
  const requestId = response.headers.get("x-request-id");
  const retryAfter = retryAfterSeconds(response.headers.get("retry-after"));
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; request_id?: string; details?: unknown } };
    if (body.error?.message) return new ApiRequestError(response.status, body.error.code ?? "ERROR", body.error.message, body.error.request_id ?? requestId, body.error.details, retryAfter);
  } catch {
    // Not JSON: fall through to a generic message.
  }
  return new ApiRequestError(response.status, "ERROR", `The API answered HTTP ${response.status}.`, requestId, undefined, retryAfter);
}

/** Retry-After as seconds: the API sends a number of seconds; an HTTP date is read too. */
function retryAfterSeconds(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** A human sentence for any error a page catches. */
export function describeError(error: unknown): string {
  if (error instanceof ApiRequestError) return error.detailedMessage;
  if (error instanceof Error) return error.message;
  return String(error);
}
