/**
 * One attempt at delivering an event to an endpoint: the body (`{type, timestamp, data}`, or a
 * Slack message), signed by the Standard Webhooks scheme with every valid secret (space-separated
 * signatures, so a receiver holding either secret during a rotation verifies it), POSTed with no
 * redirect followed (a 3xx is a failure), a timeout, and at most RESPONSE_EXCERPT_BYTES of the
 * answer read.
 */
import { Webhook as StandardWebhook } from "standardwebhooks";
import type { Webhook } from "@xr2/db/schema";
import { slackMessage } from "./slack-message.ts";

export const SEND_TIMEOUT_MS = 10_000;
export const RESPONSE_EXCERPT_BYTES = 1_024;

export interface DeliveredEvent {
  /** The outbox id: the webhook-id header, the same on every attempt. */
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface AttemptOutcome {
  succeeded: boolean;
  status: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

export function deliveryBody(webhook: Pick<Webhook, "kind">, event: DeliveredEvent, siteUrl: string | undefined): string {
  const body = webhook.kind === "slack" ? slackMessage(event, siteUrl) : { type: event.type, timestamp: event.timestamp, data: event.data };
  return JSON.stringify(body);
}

export function signatureHeaders(secrets: string[], id: string, body: string, now = new Date()): Record<string, string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new StandardWebhook(secret).sign(id, now, body)).join(" "),
  };
}

export async function sendWebhook(url: string, headers: Record<string, string>, body: string): Promise<AttemptOutcome> {
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "xR2-Webhooks/1.0", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const excerpt = await readExcerpt(response);
    const latencyMs = Date.now() - started;
    const succeeded = response.status >= 200 && response.status < 300;
    const error = succeeded ? null : response.status >= 300 && response.status < 400 ? `Redirect (${response.status}) not followed: a webhook URL must answer 2xx itself` : `HTTP ${response.status}`;
    return { succeeded, status: response.status, latencyMs, excerpt, error };
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
    return { succeeded: false, status: null, latencyMs: Date.now() - started, excerpt: null, error: timedOut ? `No answer within ${SEND_TIMEOUT_MS / 1000} s` : (error instanceof Error ? error.message : String(error)).slice(0, 500) };
  }
}

/**
 * At most RESPONSE_EXCERPT_BYTES of the body, as text without NULs (Postgres text refuses them;
 * invalid UTF-8 already decodes to U+FFFD); the rest is never read (the stream is cancelled).
 */
export async function readExcerpt(response: Response): Promise<string | null> {
  if (response.body === null) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, RESPONSE_EXCERPT_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  const text = new TextDecoder().decode(bytes).replaceAll("\u0000", "\ufffd");
  return text === "" ? null : text;
}
