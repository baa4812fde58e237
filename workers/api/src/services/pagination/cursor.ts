/**
 * Opaque cursors for keyset pagination: the sort key and the id of the last row of a page,
 * base64url-encoded JSON. Clients pass `next_cursor` back unchanged; anything else they send is
 * checked against the list's own schema and refused with 400, never trusted.
 */
import type * as z from "zod";
import { ApiError, base64url } from "@xr2/shared";

export function encodeCursor(payload: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(payload)));
}

export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.infer<S> {
  let payload: unknown;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
  } catch {
    throw new ApiError("VALIDATION_FAILED", "cursor is not a cursor this list returned");
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new ApiError("VALIDATION_FAILED", "cursor does not belong to this list or its sort order");
  return parsed.data;
}
