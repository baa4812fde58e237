/**
 * The Product API request log, edge side: every /api/v1/* request that presents an API key
 * (`Authorization: Bearer <key>` of a key's shape) becomes one entry — route pattern, slug,
 * status, latency, error code, source, client, trace id — handed to the events queue in batches,
 * like exposures (queue-buffer.ts). Nothing here waits on I/O before the answer leaves: the
 * request pays one SHA-256 of its key (~2 µs) and an object's worth of memory.
 *
 * The key travels only as its SHA-256; the API worker's consumer resolves it (revoked and expired
 * keys included) to the key, its workspace and its prefix, and drops hashes of unknown keys.
 * A failed send is logged with the number of entries lost, never with keys or hashes.
 */
import type { MiddlewareHandler } from "hono";
import { describeError, log, newId, QUEUE_LIMITS, sha256Hex, type RequestLogBatchMessage, type RequestLogEntry } from "@xr2/shared";
import type { EdgeHono } from "../env.ts";
import { KEY_PATTERN } from "./authenticate-api-key.ts";
import { createQueueBuffer } from "./queue-buffer.ts";

/** A failed send is logged with the number of entries lost, never with keys or hashes. */
const bufferRequestLog = createQueueBuffer<RequestLogEntry>({
  maxItems: QUEUE_LIMITS.exposuresPerMessage,
  message: (entries): RequestLogBatchMessage => ({ type: "request_log_batch", entries }),
  lost: (entries, error) => log("error", "request log entries not queued", { count: entries.length, error: describeError(error) }),
});

/** Middleware for the Product API's routes; installed before the routes, so it sees their errors' answers too. */
export function recordRequests(): MiddlewareHandler<EdgeHono> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const token = KEY_PATTERN.exec(c.req.header("authorization")?.trim() ?? "")?.[1];
    if (!token) return;
    const env = c.get("env");
    if (!env) return; // a broken configuration answered before the env was read: nothing to send with
    const userAgent = c.req.header("user-agent") ?? null;
    const client = clientFamily(userAgent);
    const route = c.req.routePath;
    const slug = route.includes(":slug") ? (c.req.param("slug") ?? null) : null;
    bufferRequestLog(
      { queue: env.EVENTS_QUEUE, waitUntil: (promise) => c.executionCtx.waitUntil(promise) },
      {
        id: newId("requestLog"),
        key_hash: sha256Hex(token),
        method: c.req.method,
        route: route === "*" || route === "/*" ? "(no route)" : route,
        slug: slug === null ? null : slug.slice(0, 200),
        status: c.res.status,
        latency_ms: Math.round((performance.now() - started) * 100) / 100,
        error_code: c.res.status >= 400 ? (c.get("errorCode") ?? null) : null,
        source: SDK_ROUTES.has(route) || client.startsWith("sdk-") ? "sdk" : "http",
        client,
        user_agent: userAgent === null ? null : userAgent.slice(0, 256),
        trace_id: c.get("traceId") ?? c.res.headers.get("x-trace-id") ?? null,
        request_id: c.get("requestId"),
        received_at: new Date().toISOString(),
      },
    );
  };
}

/** Routes only the SDKs call (an app without an SDK calls get-prompt and events). */
const SDK_ROUTES = new Set(["/api/v1/prompts", "/api/v1/prompts/:slug", "/api/v1/exposures"]);

/** The user agent's family, a small fixed set, so the log can be filtered by it. */
export function clientFamily(userAgent: string | null): string {
  if (!userAgent) return "none";
  if (/^xr2-python\//i.test(userAgent)) return "sdk-python";
  if (/^xr2-(js|ts|typescript|node)\b/i.test(userAgent)) return "sdk-typescript";
  if (/^curl\//i.test(userAgent)) return "curl";
  if (/^(python-requests|python-httpx|python-urllib|aiohttp)/i.test(userAgent)) return "python";
  if (/^(node|undici|axios|node-fetch)\b/i.test(userAgent)) return "node";
  if (/^Mozilla\//.test(userAgent)) return "browser";
  return "other";
}
