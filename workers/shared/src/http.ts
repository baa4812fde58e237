/**
 * What every Hono app of ours installs: a request id, one wide JSON log line per request, JSON
 * 404s and one error handler that turns anything thrown into `{ error: { code, message,
 * request_id } }`. Unknown errors are logged with their stack and answered as a bare 500, so
 * internals never leak to clients.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { ApiError, ERROR_STATUS, errorBody, type ErrorCode } from "./errors.ts";
import { newId } from "./ids.ts";

export interface RequestVariables {
  requestId: string;
  workspaceId?: string;
  /** The error code of the answer, set by the error handler (the edge's request log reads it). */
  errorCode?: string;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

export function requestContext(service: string): MiddlewareHandler<{ Variables: RequestVariables }> {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : newId("request");
    c.set("requestId", requestId);
    const started = performance.now();
    await next();
    c.header("x-request-id", requestId);
    log("info", "request", {
      service,
      request_id: requestId,
      method: c.req.method,
      route: c.req.routePath,
      path: loggablePath(new URL(c.req.url).pathname, c.req.routePath),
      status: c.res.status,
      latency_ms: Math.round((performance.now() - started) * 100) / 100,
      workspace_id: c.get("workspaceId") ?? null,
    });
  };
}

/** Path parameters that are credentials (an invitation's token): logged as "[redacted]". */
const SECRET_PARAMS = new Set([":token"]);

/** The request's path with every secret parameter's segment replaced, matched by position in the route. */
function loggablePath(path: string, route: string): string {
  if (!route.includes(":token")) return path; // every request passes here, the edge's too: no split unless it may matter
  const routeSegments = route.split("/");
  if (!routeSegments.some((segment) => SECRET_PARAMS.has(segment))) return path;
  return path
    .split("/")
    .map((segment, index) => (SECRET_PARAMS.has(routeSegments[index] ?? "") ? "[redacted]" : segment))
    .join("/");
}

/**
 * Headers every answer carries, errors included: no MIME sniffing, and never inside a frame
 * (`frame-ancestors` for browsers that read CSP, X-Frame-Options for older ones). A route that
 * serves HTML sets its own whole Content-Security-Policy (the API reference), which is kept.
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header("x-content-type-options", "nosniff");
    c.header("x-frame-options", "DENY");
    if (!c.res.headers.has("content-security-policy")) c.header("content-security-policy", "frame-ancestors 'none'");
  };
}

/** Refuses request bodies over `maxBytes` with a 413 before anything reads them. */
export function limitBodySize(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${maxBytes} bytes`);
    },
  });
}

export function installErrorHandling<E extends { Variables: RequestVariables }>(app: Hono<E>): void {
  app.notFound((c) => {
    c.set("errorCode", "NOT_FOUND");
    return c.json(errorBody("NOT_FOUND", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`, requestIdOf(c)), 404);
  });
  app.onError((error, c) => toErrorResponse(error, c));
}

export function toErrorResponse(error: unknown, c: Context): Response {
  const requestId = requestIdOf(c);
  if (error instanceof ApiError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    c.set("errorCode", error.code);
    return c.json(errorBody(error.code, error.message, requestId, error.details), error.status);
  }
  const conflict = databaseConflict(error);
  if (conflict) {
    c.set("errorCode", "CONFLICT");
    return c.json(errorBody("CONFLICT", conflict, requestId), 409);
  }
  if (sqlStateOf(error)?.startsWith("22")) {
    // Class 22, data exceptions: a value the database cannot take (a malformed timestamp in a forged cursor, say).
    c.set("errorCode", "VALIDATION_FAILED");
    return c.json(errorBody("VALIDATION_FAILED", "A value in the request is not valid for the database", requestId), 400);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = CODE_FOR_STATUS.get(error.status) ?? "BAD_REQUEST";
    c.set("errorCode", code);
    return c.json(errorBody(code, error.message || "Bad request", requestId), ERROR_STATUS[code]);
  }
  log("error", "unhandled error", { request_id: requestId, error: describeError(error) });
  c.set("errorCode", "INTERNAL");
  return c.json(errorBody("INTERNAL", "Internal error", requestId), 500);
}

/** Hono's own HTTPExceptions (malformed JSON, wrong content type, …) in our codes: the first code per status. */
const CODE_FOR_STATUS = new Map<number, ErrorCode>();
for (const [code, status] of Object.entries(ERROR_STATUS) as Array<[ErrorCode, number]>) if (!CODE_FOR_STATUS.has(status)) CODE_FOR_STATUS.set(status, code);

/** Constraint violations a client can cause (a taken slug, a frozen version) are conflicts, not crashes. */
const CONFLICT_SQLSTATES: Record<string, string> = {
  "23505": "It conflicts with an existing record",
  "23503": "It refers to a record that does not exist or is still referenced",
  "23514": "It breaks a rule of the data (for example, a version is immutable once out of draft)",
};

/**
 * The Postgres SQLSTATE of an error or of one of its causes (drizzle wraps the driver's error);
 * undefined when Postgres did not answer with an error of its own (unreachable, say).
 */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function databaseConflict(error: unknown): string | null {
  const code = sqlStateOf(error);
  return code !== undefined && code in CONFLICT_SQLSTATES ? CONFLICT_SQLSTATES[code]! : null;
}

/**
 * What an error log line may say: name, message and stack, following causes; never a failed
 * query's parameters (drizzle puts them in the message), which can hold user data or secrets.
 */
export function describeError(error: unknown): Record<string, unknown> | string {
  if (!(error instanceof Error)) return String(error);
  const query = (error as { query?: unknown }).query;
  const message = typeof query === "string" ? `Failed query: ${query.slice(0, 500)}` : error.message;
  return {
    name: error.name,
    message,
    // Frames only: a stack starts with the message, which may span lines (and hold parameters).
    stack: error.stack?.split("\n").filter((line) => line.trimStart().startsWith("at ")).slice(0, 8).join("\n"),
    ...(error.cause === undefined ? {} : { cause: describeError(error.cause) }),
  };
}

function requestIdOf(c: Context): string {
  const id: unknown = c.get("requestId");
  return typeof id === "string" ? id : "unknown";
}

export function log(level: "debug" | "info" | "warn" | "error", message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, msg: message, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
