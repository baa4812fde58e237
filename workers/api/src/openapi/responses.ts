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

export function jsonBody<S extends z.ZodType>(schema: S) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

export function jsonResponse<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { "application/json": { schema } } } as const;
}
