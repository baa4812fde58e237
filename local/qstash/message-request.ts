// Reads a publish-style request (destination, Upstash-* headers, raw body) into a MessageTemplate,
// with a 400 for anything malformed. Shared by publish, enqueue, batch and schedule creation.
import { DEFAULT_RETRIES, type MessageTemplate } from "./delivery.ts";
import { badRequest } from "../http.ts";

/** Request headers with lower-case names. */
export type RequestHeaders = ReadonlyMap<string, string>;

const FORWARD_PREFIX = "upstash-forward-";
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
// Real QStash's limit depends on the plan; five minutes keeps a hung local endpoint from pinning a message.
const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseMessageRequest(destination: string, headers: RequestHeaders, body: Buffer): MessageTemplate {
  const url = parseUrl(destination, "destination");
  const method = (headers.get("upstash-method") ?? "POST").toUpperCase();
  if (!METHODS.has(method)) throw badRequest(`invalid Upstash-Method: ${method}`);
  const forwarded: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name.startsWith(FORWARD_PREFIX) && name.length > FORWARD_PREFIX.length) {
      forwarded[name.slice(FORWARD_PREFIX.length)] = value;
    }
  }
  const contentType = headers.get("content-type");
  if (contentType !== undefined) forwarded["content-type"] = contentType;
  const notBefore = parseCount(headers.get("upstash-not-before"), "Upstash-Not-Before");
  const callback = headers.get("upstash-callback");
  const failureCallback = headers.get("upstash-failure-callback");
  return {
    url,
    method,
    headers: forwarded,
    body,
    retries: parseCount(headers.get("upstash-retries"), "Upstash-Retries") ?? DEFAULT_RETRIES,
    delayMs: parseDuration(headers.get("upstash-delay"), "Upstash-Delay") ?? 0,
    // Like real QStash, an explicit not-before wins over a delay.
    notBeforeMs: notBefore === undefined ? undefined : notBefore * 1_000,
    timeoutMs: parseDuration(headers.get("upstash-timeout"), "Upstash-Timeout") ?? DEFAULT_TIMEOUT_MS,
    callback: callback === undefined ? undefined : parseUrl(callback, "Upstash-Callback"),
    failureCallback: failureCallback === undefined ? undefined : parseUrl(failureCallback, "Upstash-Failure-Callback"),
    deduplicationId: headers.get("upstash-deduplication-id"),
  };
}

/** Returns the URL exactly as given: it becomes the signature's `sub`, which receivers compare verbatim. */
function parseUrl(value: string, what: string): string {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    throw badRequest(`invalid ${what} url: ${value || "(empty)"}`);
  }
  if (protocol !== "http:" && protocol !== "https:") throw badRequest(`${what} must be an http(s) url: ${value}`);
  return value;
}

function parseCount(value: string | undefined, header: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`invalid ${header}: ${value}`);
  return Number(value);
}

/** Go-style durations as the client sends them: "10s", "5m", "1h30m", "2d". */
function parseDuration(value: string | undefined, header: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(\d+(ms|s|m|h|d))+$/.test(value)) throw badRequest(`invalid ${header}: ${value}`);
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    total += Number(amount) * (DURATION_UNIT_MS[unit ?? ""] ?? 0);
  }
  return total;
}
