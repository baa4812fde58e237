/**
 * One HTTP exchange with the edge, bounded in time, and the retry policy shared by prompt fetches
 * and deliveries: timeouts, network errors, 5xx and 429 are worth another try after an
 * exponential, jittered pause, or after the server's `Retry-After` when it sends one.
 */
import type { FetchLike } from "./types.js";

export interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  /** The parsed JSON body, or null (empty, not JSON, or 304). */
  body: unknown;
}

/** Thrown for a timeout or a failure to connect: no HTTP status to act on. */
export class NetworkFailure extends Error {
  constructor(
    message: string,
    /** The request provably never reached the server (connection refused); a timeout may have been served. */
    readonly unsent = false,
  ) {
    super(message);
  }
}

/** A timer that, where the runtime allows it (Node, Bun), does not keep the process alive. */
export function timer(callback: () => void, ms: number, keepAlive = false): ReturnType<typeof setTimeout> {
  const handle = setTimeout(callback, ms);
  if (!keepAlive) (handle as { unref?: () => void }).unref?.();
  return handle;
}

export const sleep = (ms: number, keepAlive: boolean) => new Promise<void>((resolve) => timer(resolve, ms, keepAlive));

export async function exchange(
  fetchFn: FetchLike,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; keepalive?: boolean },
  timeoutMs: number,
): Promise<Answer> {
  const controller = typeof AbortController === "function" ? new AbortController() : undefined;
  let timedOut: () => void = () => {};
  const deadline = new Promise<never>((_, reject) => {
    timedOut = () => reject(new NetworkFailure(`no answer within ${timeoutMs} ms`));
  });
  // Held by the pending exchange itself, so it may keep a process alive only while one runs.
  const handle = timer(() => {
    controller?.abort();
    timedOut();
  }, timeoutMs, true);
  try {
    const work = (async () => {
      const response = await fetchFn(url, { ...init, signal: controller?.signal });
      const text = response.status === 304 ? "" : await response.text();
      let body: unknown = null;
      try {
        if (text) body = JSON.parse(text);
      } catch {
        // not JSON: no body
      }
      return { status: response.status, headers: response.headers, body };
    })();
    work.catch(() => {}); // settled after the deadline won: nothing to report
    return await Promise.race([work, deadline]);
  } catch (error) {
    if (error instanceof NetworkFailure) throw error;
    const refused = (error as { cause?: { code?: unknown } } | null)?.cause?.code === "ECONNREFUSED";
    throw new NetworkFailure(error instanceof Error ? error.message : String(error), refused);
  } finally {
    clearTimeout(handle);
  }
}

/** Whether another attempt may get a different answer. */
export const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * The pause before attempt `attempt + 1`: base · 2^attempt with jitter in [½, 1], or the server's
 * `Retry-After` (seconds or an HTTP date) when that is longer, never above capMs.
 */
export function retryDelayMs(attempt: number, retryAfter: string | null, baseMs: number, capMs: number): number {
  let ms = Math.min(baseMs * 2 ** attempt, capMs) * (0.5 + Math.random() / 2);
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const asked = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (asked > ms) ms = asked;
  }
  return Math.min(ms, capMs);
}

/** An error body's `error.code`, if it has one. */
export function errorCode(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === "string" ? error.code : undefined;
}
