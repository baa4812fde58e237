/**
 * Strong entity tags for JSON answers SDKs poll (GET /api/v1/prompts…): the SHA-256 of the body,
 * so an unchanged prompt answers 304 without a body whatever edge location or isolate answers.
 */
import { sha256Hex } from "@xr2/shared";

export function etagOf(body: string): string {
  return `"${sha256Hex(body).slice(0, 32)}"`;
}

/**
 * True when an If-None-Match header names `etag`: `*`, or a list of tags compared weakly, as
 * RFC 9110 asks of If-None-Match (`W/"x"` matches `"x"`).
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === opaque;
  });
}
