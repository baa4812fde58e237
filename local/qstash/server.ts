// The HTTP surface: Bearer auth, routing of the v2 paths the official client calls, the JSON
// shapes it reads back, `{ error }` answers, and one JSON log line per request.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import { headerRecord, type Deliveries, type Message, type MessageTemplate, type PublishResult } from "./delivery.ts";
import { badRequest, hasBearerToken, HttpError, readBody } from "../http.ts";
import { parseMessageRequest, type RequestHeaders } from "./message-request.ts";
import type { Schedule, Schedules } from "./schedules.ts";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface ServerContext {
  token: string;
  keys: { current: string; next: string };
  deliveries: Deliveries;
  schedules: Schedules;
  log: (line: string) => void;
}

interface Reply {
  status: number;
  json?: unknown;
}

export function createQStashServer(ctx: ServerContext): Server {
  return createServer((request, response) => {
    const started = Date.now();
    handle(ctx, request)
      .catch((error: unknown) => errorReply(ctx, error))
      .then((reply) => {
        response.writeHead(reply.status, reply.json === undefined ? {} : { "content-type": "application/json" });
        response.end(reply.json === undefined ? undefined : JSON.stringify(reply.json));
        const path = (request.url ?? "").split("?")[0];
        ctx.log(JSON.stringify({ event: "request", method: request.method, path, status: reply.status, ms: Date.now() - started }));
      })
      .catch((error: unknown) => ctx.log(JSON.stringify({ event: "response-error", error: String(error) })));
  });
}

async function handle(ctx: ServerContext, request: IncomingMessage): Promise<Reply> {
  if (!hasBearerToken(request, ctx.token)) throw new HttpError(401, "unauthorized");
  const method = request.method ?? "GET";
  const target = request.url ?? "/";
  if (!target.startsWith("/v2/")) throw new HttpError(404, `not found: ${target}`);
  // Destinations are raw URLs (with their own query) in the rest of the path, so read them unparsed.
  const rest = target.slice("/v2/".length);
  const headers = headerMap(request.headers);
  const body = await readBody(request, MAX_BODY_BYTES);
  if (method === "POST") {
    const destination = afterPrefix(rest, "publish/");
    if (destination !== undefined) return ok(ctx.deliveries.publish(parseMessageRequest(destination, headers, body)));
    const queued = afterPrefix(rest, "enqueue/");
    if (queued !== undefined) return ok(enqueue(ctx, queued, headers, body));
    const scheduled = afterPrefix(rest, "schedules/");
    if (scheduled !== undefined) return ok({ scheduleId: createSchedule(ctx, scheduled, headers, body) });
  }
  const url = new URL(rest, "http://local/");
  const segments = url.pathname.split("/").filter(Boolean).map(decodeSegment);
  const [resource = "", id = "", action] = segments;
  const shape = [resource, ...segments.slice(1, 2).map(() => ":id"), ...segments.slice(2)].join("/");
  switch (`${method} ${shape}`) {
    case "GET keys":
      return ok({ current: ctx.keys.current, next: ctx.keys.next });
    case "POST batch":
      return ok(publishBatch(ctx, body));
    case "GET messages/:id":
      return ok(messageView(ctx.deliveries.get(id) ?? notFound("message", id)));
    case "DELETE messages/:id":
      if (!ctx.deliveries.cancel(id)) notFound("pending message", id);
      return ok({ cancelled: 1 });
    case "GET schedules":
      return ok(ctx.schedules.list().map(scheduleView));
    case "GET schedules/:id":
      return ok(scheduleView(ctx.schedules.get(id) ?? notFound("schedule", id)));
    case "DELETE schedules/:id":
      if (!ctx.schedules.delete(id)) notFound("schedule", id);
      return { status: 200 };
    case "PATCH schedules/:id/pause":
    case "PATCH schedules/:id/resume":
      if (!ctx.schedules.setPaused(id, action === "pause")) notFound("schedule", id);
      return { status: 200 };
    default:
      throw new HttpError(404, `no route for ${method} /v2/${url.pathname.slice(1)}`);
  }
}

function enqueue(ctx: ServerContext, path: string, headers: RequestHeaders, body: Buffer): PublishResult {
  const slash = path.indexOf("/");
  if (slash <= 0) throw badRequest("expected /v2/enqueue/<queue>/<destination>");
  const template = parseMessageRequest(path.slice(slash + 1), headers, body);
  return ctx.deliveries.publish(template, { queueName: decodeSegment(path.slice(0, slash)) });
}

function createSchedule(ctx: ServerContext, destination: string, headers: RequestHeaders, body: Buffer): string {
  const cron = headers.get("upstash-cron");
  if (!cron) throw badRequest("Upstash-Cron header is required");
  return ctx.schedules.upsert({
    cron,
    template: parseMessageRequest(destination, headers, body),
    scheduleId: headers.get("upstash-schedule-id") || undefined,
    queueName: headers.get("upstash-queue-name") || undefined,
  });
}

/** The client's batch body: `[{ destination, headers, body, queue? }]`. All entries are checked before any is published. */
function publishBatch(ctx: ServerContext, body: Buffer): PublishResult[] {
  let entries: unknown;
  try {
    entries = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest("batch body must be a JSON array");
  }
  if (!Array.isArray(entries)) throw badRequest("batch body must be a JSON array");
  const parsed = entries.map(parseBatchEntry);
  return parsed.map(({ template, queueName }) => ctx.deliveries.publish(template, { queueName }));
}

function parseBatchEntry(entry: unknown, index: number): { template: MessageTemplate; queueName?: string } {
  const fields = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : {};
  const { destination, headers = {}, body = "", queue } = fields;
  const headerEntries = typeof headers === "object" && headers !== null ? Object.entries(headers) : [];
  const headersValid = typeof headers === "object" && headerEntries.every(([, value]) => typeof value === "string");
  if (typeof destination !== "string" || typeof body !== "string" || !headersValid) {
    throw badRequest(`batch[${index}] must be { destination: string, headers?: Record<string, string>, body?: string }`);
  }
  if (queue !== undefined && typeof queue !== "string") throw badRequest(`batch[${index}].queue must be a string`);
  const lowerCased = new Map(headerEntries.map(([name, value]) => [name.toLowerCase(), String(value)]));
  return { template: parseMessageRequest(destination, lowerCased, Buffer.from(body)), queueName: queue };
}

/** The client's `Message` shape, plus `state` and `retried` (real QStash forgets a message once delivered). */
function messageView(message: Message) {
  const { messageId, url, method, headers, body, retries, notBefore, createdAt } = message;
  const { callback, failureCallback, queueName, scheduleId, state, retried } = message;
  return {
    messageId, url, method, header: headerRecord(headers), body: body.toString("utf8"), maxRetries: retries,
    notBefore, createdAt, callback, failureCallback, queueName, scheduleId, state, retried,
  };
}

/** The client's `Schedule` shape. */
function scheduleView({ scheduleId, cron, createdAt, queueName, lastScheduleTime, paused, job, template }: Schedule) {
  const { url, method, headers, body, retries, delayMs, callback, failureCallback } = template;
  const nextScheduleTime = paused ? undefined : job.nextRun()?.getTime();
  return {
    scheduleId, cron, createdAt, destination: url, method, header: headerRecord(headers), body: body.toString("utf8"),
    retries, delay: delayMs / 1_000, callback, failureCallback, queueName, isPaused: paused, lastScheduleTime, nextScheduleTime,
  };
}

function errorReply(ctx: ServerContext, error: unknown): Reply {
  if (error instanceof HttpError) return { status: error.status, json: { error: error.message } };
  ctx.log(JSON.stringify({ event: "internal-error", error: error instanceof Error ? error.stack : String(error) }));
  return { status: 500, json: { error: "internal error" } };
}

function ok(json: unknown): Reply {
  return { status: 200, json };
}

function notFound(what: string, id: string): never {
  throw new HttpError(404, `${what} not found: ${id}`);
}

function afterPrefix(value: string, prefix: string): string | undefined {
  return value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`malformed path segment: ${segment}`);
  }
}

function headerMap(headers: IncomingHttpHeaders): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) map.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return map;
}

