/**
 * YAML for the portable document, read conservatively: the core schema only (no custom tags),
 * duplicate keys refused, alias expansion bounded (no "billion laughs"), one document per body.
 * Whatever the parser refuses is the client's mistake, so it becomes a 400, never a 500.
 *
 * Parsing is synchronous and holds the worker (workerd runs an isolate's requests on one
 * thread). Measured on this 2-core machine (node, yaml 2.9.1): a sequence of tiny nodes parses at
 * about 115 000 lexical tokens a second (75 000 tokens, 60 KB, 650 ms); an export of 100 prompts
 * with 3 realistic multi-line versions each is 76 000 tokens and 360 KB and parses in about 0.3 s;
 * 300 000 nested brackets took 4 s, and 100 000 keys in one mapping minutes (the parser's own
 * duplicate-key check compares each key with all before it). So a linear pass of the lexer,
 * which stops at the first excess, refuses first what would take too long: more than
 * MAX_YAML_TOKENS tokens (at most about a quarter of a second of parsing for the worst shape;
 * realistic versions have 140 to 250 tokens each, by the variables they declare, so some 40 to 70
 * prompts of 3 versions) and flow collections nested
 * deeper than MAX_FLOW_DEPTH. Duplicate keys are then found with one set per mapping.
 *
 * Server-side YAML is a bounded convenience for API users. Larger documents go as JSON, whose
 * parser is native and fast: the site's import dialog parses YAML files in the browser and sends
 * JSON, and an export in YAML that this import would refuse is refused at export time
 * (`assertImportableYaml`), pointing to format=json or prompt_ids.
 */
import { isScalar, Lexer, parseDocument, stringify, visit, type Document } from "yaml";
import { ApiError } from "@xr2/shared";
import type { PortableDocument } from "../../../services/prompts/export-prompts.ts";
import { yieldToOtherRequests } from "../../../services/work-budget/work-budget.ts";
import { YAML_MEDIA_TYPES } from "./schemas.ts";

export const MAX_YAML_TOKENS = 30_000;
/** The document needs a few levels, model settings a few more. */
export const MAX_FLOW_DEPTH = 64;

/** Counts the lexer's tokens and the nesting of flow collections, one token at a time. */
class CostCount {
  tokens = 0;
  private depth = 0;

  /** Why the text is too costly to parse, once `token` is counted; undefined while it is not. */
  add(token: string): string | undefined {
    if (++this.tokens > MAX_YAML_TOKENS) return `it has more than ${MAX_YAML_TOKENS} tokens; send a document this large as JSON, or in parts`;
    if (token === "[" || token === "{") {
      if (++this.depth > MAX_FLOW_DEPTH) return `collections ([…], {…}) are nested more than ${MAX_FLOW_DEPTH} deep`;
    } else if (token === "]" || token === "}") this.depth--;
    return undefined;
  }
}

/** Why the text is too costly to parse, or undefined when it is not. */
function tooCostly(text: string): string | undefined {
  const count = new CostCount();
  for (const token of new Lexer().lex(text)) {
    const problem = count.add(token);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Tokens lexed between two yields when an export is checked: a few milliseconds. */
const LEX_SLICE_TOKENS = 5_000;

/**
 * Refuses (400) an export whose YAML the import would refuse as too costly to parse, so that
 * whatever the API writes as YAML it also reads back. The check stops at the first excess, so
 * it lexes at most MAX_YAML_TOKENS tokens, yielding to other requests between slices.
 */
export async function assertImportableYaml(text: string): Promise<void> {
  const count = new CostCount();
  for (const token of new Lexer().lex(text)) {
    const problem = count.add(token);
    if (problem !== undefined) {
      throw new ApiError(
        "VALIDATION_FAILED",
        `This export in YAML is too large for POST /api/prompts/import to read as YAML (${problem.replace(/;.*$/, "")}): export it with format=json, or fewer prompts at a time with prompt_ids`,
      );
    }
    if (count.tokens % LEX_SLICE_TOKENS === 0) await yieldToOtherRequests();
  }
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
      await yieldToOtherRequests();
    }
  }
  return parts.join("");
}

/** Every line that has text, moved right by `spaces` (empty lines stay empty, as in block scalars). */
function indent(text: string, spaces: number): string {
  const prefix = " ".repeat(spaces);
  return text.replace(/^(?=.)/gm, prefix);
}
