/**
 * The inbox's HTTP routes. Resend's API (`POST /emails`, `GET /emails/{id}`) behind the bearer
 * key, answered in Resend's shapes; the inbox itself (`/`, `/messages/{id}`, `/api/messages`) is
 * open, as it only ever listens on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import { HttpError, readBody } from "../http.ts";
import { inboxPage, messagePage, notFoundPage, PAGE_SECURITY_HEADERS } from "./pages.ts";
import { ResendApiError, sendEmailSchema, validationError } from "./resend-api.ts";
import type { StoredMessage, MessageStore } from "./store.ts";

export interface InboxServerOptions {
  apiKey: string;
  store: MessageStore;
  maxMessages: number;
  maxBodyBytes: number;
  log: (line: string) => void;
}

export function createInboxServer(options: InboxServerOptions): Server {
  const { store } = options;

  async function resendApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    checkApiKey(req, options.apiKey);
    if (url.pathname === "/emails") {
      if (req.method !== "POST") throw new ResendApiError(405, "method_not_allowed", "Method is not allowed for the requested path.");
      const raw = await readBody(req, options.maxBodyBytes).catch((error: unknown) => {
        throw error instanceof HttpError && error.status === 413 ? new ResendApiError(413, "content_too_large", `The email is larger than ${options.maxBodyBytes} bytes.`) : error;
      });
      let json: unknown;
      try {
        json = JSON.parse(raw.toString("utf8"));
      } catch {
        throw new ResendApiError(422, "validation_error", "The request body is not valid JSON.");
      }
      const parsed = sendEmailSchema.safeParse(json);
      if (!parsed.success) throw validationError(json, parsed.error);
      const email = parsed.data;
      const saved = store.add({ from: email.from, to: email.to, cc: email.cc ?? [], bcc: email.bcc ?? [], reply_to: email.reply_to ?? [], subject: email.subject, text: email.text ?? null, html: email.html ?? null });
      // The subject and addressee only: bodies carry one-time tokens.
      options.log(JSON.stringify({ event: "mail.received", id: saved.id, to: saved.to, subject: saved.subject }));
      return sendJson(res, 200, { id: saved.id });
    }
    const id = /^\/emails\/([^/]+)$/.exec(url.pathname)?.[1];
    if (id === undefined) throw new ResendApiError(404, "not_found", "The requested endpoint does not exist.");
    if (req.method !== "GET") throw new ResendApiError(405, "method_not_allowed", "Method is not allowed for the requested path.");
    const message = store.get(decodeURIComponent(id));
    if (!message) throw new ResendApiError(404, "not_found", "Email not found");
    sendJson(res, 200, resendEmail(message));
  }

  function inbox(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const route = `${req.method} ${url.pathname}`;
    if (route === "GET /api/messages") return sendJson(res, 200, store.list(url.searchParams.get("to") ?? undefined).map(listed));
    if (route === "DELETE /api/messages") {
      const deleted = store.list().length;
      store.clear();
      return sendJson(res, 200, { deleted });
    }
    if (route === "GET /") return sendHtml(res, 200, inboxPage(store.list(), options.maxMessages));
    if (route === "POST /clear") {
      store.clear();
      return void res.writeHead(303, { location: "/" }).end();
    }
    const id = /^\/messages\/([^/]+)$/.exec(url.pathname)?.[1];
    if (req.method === "GET" && id !== undefined) {
      const message = store.get(decodeURIComponent(id));
      return message ? sendHtml(res, 200, messagePage(message)) : sendHtml(res, 404, notFoundPage());
    }
    sendJson(res, 404, { error: `no route for ${route}` });
  }

  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://inbox.local");
    const isResendApi = url.pathname === "/emails" || url.pathname.startsWith("/emails/");
    Promise.resolve()
      .then(() => (isResendApi ? resendApi(req, res, url) : inbox(req, res, url)))
      .catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (error instanceof ResendApiError) return sendJson(res, error.statusCode, error.body);
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        sendJson(res, status, isResendApi ? { statusCode: status, name: "application_error", message } : { error: message });
      });
  });
}

/**
 * Resend answers 401 `missing_api_key` without an Authorization header and 403
 * `invalid_api_key` for a key it does not know (the key is compared here by digest, in constant
 * time), and refuses a request without a User-Agent with 403 (its "error 1010").
 */
function checkApiKey(req: IncomingMessage, apiKey: string): void {
  if (!req.headers["user-agent"]) throw new ResendApiError(403, "application_error", "Requests without a User-Agent header are refused (error 1010).");
  const header = req.headers.authorization;
  if (!header) throw new ResendApiError(401, "missing_api_key", "Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY");
  const digest = (value: string) => createHash("sha256").update(value).digest();
  if (!timingSafeEqual(digest(header), digest(`Bearer ${apiKey}`))) throw new ResendApiError(403, "invalid_api_key", "API key is invalid");
}

/** What `GET /emails/{id}` answers at Resend; here every message is delivered at once. */
function resendEmail(message: StoredMessage) {
  const listOrNull = (values: string[]) => (values.length > 0 ? values : null);
  return {
    object: "email",
    id: message.id,
    from: message.from,
    to: message.to,
    cc: listOrNull(message.cc),
    bcc: listOrNull(message.bcc),
    reply_to: listOrNull(message.reply_to),
    subject: message.subject,
    text: message.text,
    html: message.html,
    created_at: message.created_at,
    last_event: "delivered",
    scheduled_at: null,
  };
}

/** One entry of `GET /api/messages`. */
function listed(message: StoredMessage) {
  return { id: message.id, from: message.from, to: message.to, subject: message.subject, text: message.text, html: message.html, created_at: message.created_at };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html), ...PAGE_SECURITY_HEADERS });
  res.end(html);
}
