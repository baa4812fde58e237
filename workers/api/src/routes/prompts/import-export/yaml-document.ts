/**
 * YAML for the portable document, read conservatively: the core schema only (no custom tags),
 * duplicate keys refused, alias expansion bounded (no "billion laughs"), one document per body.
 * Whatever the parser refuses is the client's mistake, so it becomes a 400, never a 500.
 */
import { parseDocument, stringify } from "yaml";
import { ApiError } from "@xr2/shared";
import { YAML_MEDIA_TYPES } from "./schemas.ts";

export function isYamlMediaType(contentType: string): boolean {
  const essence = contentType.split(";")[0]!.trim().toLowerCase();
  return (YAML_MEDIA_TYPES as readonly string[]).includes(essence);
}

/** Reads bytes rather than `text()`, so bytes that are not UTF-8 are refused instead of replaced. */
export function parseYamlBody(body: ArrayBuffer): unknown {
  let problem: string;
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body);
    const document = parseDocument(text, { schema: "core", uniqueKeys: true, strict: true, prettyErrors: false });
    // Warnings too (an unknown tag such as !!js/function would otherwise read as a plain string).
    const [first] = [...document.errors, ...document.warnings];
    if (first === undefined) return document.toJS({ maxAliasCount: 100 });
    problem = first.message;
  } catch (error) {
    // TypeError for bytes that are not UTF-8, ReferenceError for alias bombs: both describe the input.
    problem = error instanceof Error ? error.message : "unreadable";
  }
  throw new ApiError("VALIDATION_FAILED", `The body is not valid YAML: ${problem.slice(0, 300)}`);
}

export function toYaml(value: unknown): string {
  // No line folding: long templates stay on their lines, which keeps diffs of exported files small.
  return stringify(value, { lineWidth: 0 });
}
