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

/**
 * A page of a keyset list read with `limit + 1` rows: its first `limit` rows, and the cursor
 * after the last of them (`cursorOf(last)`, encoded) only when the extra row shows more follow.
 */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (last: T) => unknown): { page: T[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
