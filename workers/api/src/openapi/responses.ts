/**
 * OpenAPI pieces every route definition uses. Error responses are generated from the one
 * ERROR_STATUS table, so the documented statuses are the ones the error handler answers.
 */
import { z } from "@hono/zod-openapi";
import { ERROR_STATUS, type ErrorCode } from "@xr2/shared";

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      request_id: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

/** The error responses of a route, by code: `errorResponses("VALIDATION_FAILED", "CONFLICT")`. */
export function errorResponses(...codes: ErrorCode[]) {
  const responses: Record<number, { description: string; content: { "application/json": { schema: typeof errorSchema } } }> = {};
  for (const code of ["VALIDATION_FAILED", "PAYLOAD_TOO_LARGE", "RATE_LIMITED", ...codes] as ErrorCode[]) {
    const status = ERROR_STATUS[code];
    const existing = responses[status];
    responses[status] = {
      description: existing ? `${existing.description}, ${code}` : code,
      content: { "application/json": { schema: errorSchema } },
    };
  }
  return responses;
}

/**
 * A route's own account of one error status from `errorResponses`, for routes whose refusals need
 * explaining (what a 400 means, when a 429 comes and its Retry-After). Spread after `errorResponses(...)`.
 */
export function explainedErrorResponse(code: ErrorCode, description: string) {
  const status = ERROR_STATUS[code];
  const response: { description: string; content: { "application/json": { schema: typeof errorSchema } }; headers?: Record<string, { description: string; schema: { type: "integer"; minimum: number } }> } = {
    description: `${code}: ${description}`,
    content: { "application/json": { schema: errorSchema } },
  };
  if (status === 429) response.headers = { "Retry-After": { description: "Seconds until a retry can succeed", schema: { type: "integer", minimum: 1 } } };
  return { [status]: response } as Record<number, typeof response>;
}

export function jsonBody<S extends z.ZodType>(schema: S) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

export function jsonResponse<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { "application/json": { schema } } } as const;
}
