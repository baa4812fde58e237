/**
 * The one error model of both workers. Every failure a client can see is an ApiError with a
 * code from ERROR_STATUS; the OpenAPI error responses are generated from the same table, so the
 * documented statuses and the real ones cannot drift apart.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  MISCONFIGURED: 500,
  DEPENDENCY_UNAVAILABLE: 503,
  /** LLM (L1–L4): no provider key saved for the provider asked for. */
  LLM_KEY_MISSING: 422,
  /** The LLM provider refused the key or the request (its own 4xx, named in the message). */
  PROVIDER_REJECTED: 422,
  /** The LLM provider failed (5xx, rate limited, unreachable, a broken stream). */
  PROVIDER_FAILED: 502,
  PROVIDER_TIMEOUT: 504,
  /** An LLM quota (requests per day, cost per month) is used up. */
  QUOTA_EXCEEDED: 429,
  /** Work that grows with the input (token counting, diffs) did not finish within its time budget. */
  BUDGET_EXCEEDED: 422,
  /** An answer would be larger than the endpoint serves in one document (the SDK bundle): ask for less. */
  RESPONSE_TOO_LARGE: 422,
  /** A destructive action's typed confirmation (a workspace's name) does not match. */
  CONFIRMATION_MISMATCH: 422,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string; details?: unknown };
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, opts: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "ApiError";
    this.code = code;
    this.details = opts.details;
    this.headers = opts.headers ?? {};
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: unknown): ErrorBody {
  return { error: { code, message, request_id: requestId, ...(details === undefined ? {} : { details }) } };
}
