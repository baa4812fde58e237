/**
 * Refuses with 415 a request body not declared as JSON (another Content-Type, or none), as the
 * management API's validators do: a client sending text/plain has a bug worth telling it about.
 * For the edge's plain-Hono routes, which read their bodies themselves.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.ts";

/** A JSON media type: application/json, or a +json suffix (application/problem+json). */
export const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function requireJsonBody(): MiddlewareHandler {
  return async (c, next) => {
    const mediaType = c.req.header("content-type")?.split(";")[0]?.trim() ?? "";
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Send the body as JSON with Content-Type: application/json${mediaType ? ` (not ${mediaType.slice(0, 100)})` : ""}`);
    }
    await next();
  };
}
