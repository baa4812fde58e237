/**
 * YAML for the portable document, read conservatively: the core schema only (no custom tags),
 * duplicate keys refused, alias expansion bounded (no "billion laughs"), one document per body.
 * Whatever the parser refuses is the client's mistake, so it becomes a 400, never a 500.
 *
 * Parsing is synchronous and holds the worker (workerd runs an isolate's requests on one
 * thread), and the parser reads about 200 000 lexical tokens a second here: a 1 MB body of tiny
 * nodes held it 4 to 6 s, 300 000 nested brackets 4 s, and 100 000 keys in one mapping minutes
 * (the parser's own duplicate-key check compares each key with all before it). So a linear pass
 * of the lexer, which stops at the first excess, refuses first what would take too long: more
 * than MAX_YAML_TOKENS tokens (a quarter of a second of parsing, 2 500 short versions; larger
 * documents go as JSON, whose parser is native and fast, or in parts) and flow collections
 * nested deeper than MAX_FLOW_DEPTH. Duplicate keys are then found with one set per mapping.
 */
import { isScalar, Lexer, parseDocument, stringify, visit, type Document } from "yaml";
import { ApiError } from "@xr2/shared";
import type { PortableDocument } from "../../../services/prompts/export-prompts.ts";
import { YAML_MEDIA_TYPES } from "./schemas.ts";

export const MAX_YAML_TOKENS = 30_000;
/** The document needs a few levels, model settings a few more. */
export const MAX_FLOW_DEPTH = 64;

/** Why the text is too costly to parse, or undefined when it is not. */
function tooCostly(text: string): string | undefined {
  let tokens = 0;
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    if (++tokens > MAX_YAML_TOKENS) return `it has more than ${MAX_YAML_TOKENS} tokens; send a document this large as JSON, or in parts`;
    if (token === "[" || token === "{") {
      if (++depth > MAX_FLOW_DEPTH) return `collections ([…], {…}) are nested more than ${MAX_FLOW_DEPTH} deep`;
    } else if (token === "]" || token === "}") depth--;
  }
  return undefined;
}

function firstDuplicateKey(document: Document): string | undefined {
  let duplicate: string | undefined;
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        const value = isScalar(key) ? key.value : String(key);
        if (seen.has(value)) {
          duplicate = String(value);
          return visit.BREAK;
        }
        seen.add(value);
      }
      return undefined;
    },
  });
  return duplicate;
}

export function isYamlMediaType(contentType: string): boolean {
  const essence = contentType.split(";")[0]!.trim().toLowerCase();
  return (YAML_MEDIA_TYPES as readonly string[]).includes(essence);
}

/** Reads bytes rather than `text()`, so bytes that are not UTF-8 are refused instead of replaced. */
export function parseYamlBody(body: ArrayBuffer): unknown {
  let problem: string | undefined;
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body);
    problem = tooCostly(text);
    if (problem === undefined) {
      const document = parseDocument(text, { schema: "core", uniqueKeys: false, strict: true, prettyErrors: false });
      // Warnings too (an unknown tag such as !!js/function would otherwise read as a plain string).
      const [first] = [...document.errors, ...document.warnings];
      problem = first?.message;
      if (problem === undefined) {
        const duplicate = firstDuplicateKey(document);
        if (duplicate === undefined) return document.toJS({ maxAliasCount: 100 });
        problem = `the key "${duplicate.slice(0, 100)}" appears twice in one mapping`;
      }
    }
  } catch (error) {
    // TypeError for bytes that are not UTF-8, ReferenceError for alias bombs: both describe the input.
    problem = error instanceof Error ? error.message : "unreadable";
  }
  throw new ApiError("VALIDATION_FAILED", `The body is not valid YAML: ${(problem ?? "unreadable").slice(0, 300)}`);
}

// No line folding: long templates stay on their lines, which keeps diffs of exported files small.
const WRITE_OPTIONS = { lineWidth: 0 } as const;

/**
 * The document in YAML, written a version at a time with a yield to other requests after each:
 * the writer manages about a megabyte a second here, and an export may hold 1 MB. The pieces are
 * the items the writer would produce for the whole document, indented to their depth in it, so
 * the text is the same as `stringify(document)`.
 */
export async function documentToYaml(document: PortableDocument): Promise<string> {
  const { prompts, ...head } = document;
  const parts = [stringify(head, WRITE_OPTIONS), prompts.length === 0 ? "prompts: []\n" : "prompts:\n"];
  for (const prompt of prompts) {
    const { versions, ...fields } = prompt;
    parts.push(indent(stringify([fields], WRITE_OPTIONS), 2));
    if (versions === undefined) continue;
    parts.push(versions.length === 0 ? "    versions: []\n" : "    versions:\n");
    for (const version of versions) {
      parts.push(indent(stringify([version], WRITE_OPTIONS), 6));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  return parts.join("");
}

/** Every line that has text, moved right by `spaces` (empty lines stay empty, as in block scalars). */
function indent(text: string, spaces: number): string {
  const prefix = " ".repeat(spaces);
  return text.replace(/^(?=.)/gm, prefix);
}
