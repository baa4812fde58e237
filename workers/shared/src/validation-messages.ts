/**
 * Validation problems in words a person reads: "name: must not be empty", "name: must be at most
 * 200 characters", "variables: must be a list, not text". Both workers turn zod's issues into
 * these (the API's defaultHook, the edge's body and query checks), so zod's own wording ("Too
 * small: expected string to have >=1 characters") never reaches a user. A message a schema
 * wrote itself (`.regex(re, "use lowercase letters…")`) is kept as written.
 */
import type * as z from "zod";
import { locales } from "zod";
import { ApiError } from "./errors.ts";

type Issue = z.core.$ZodIssue;
type Where = "json" | "query" | "param" | "header" | "form" | "cookie" | "body" | (string & {});

const zodEnglish = locales.en().localeError;
const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object with named fields",
  record: "an object with named fields",
  map: "an object with named fields",
  tuple: "a list",
  set: "a list",
  date: "a date",
  null: "null",
  nan: "not a number",
  function: "a function",
  file: "a file",
  symbol: "a symbol",
};
const FORMAT_WORDS: Record<string, string> = {
  email: "an e-mail address",
  url: "a web address (URL)",
  uuid: "a UUID",
  guid: "a GUID",
  uuidv4: "a UUID",
  uuidv6: "a UUID",
  uuidv7: "a UUID",
  cuid: "a CUID",
  cuid2: "a CUID",
  ulid: "a ULID",
  nanoid: "a Nano ID",
  datetime: "a date and time like 2026-01-31T09:30:00Z",
  date: "a date like 2026-01-31",
  time: "a time like 09:30:00",
  duration: "a duration like P3D",
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
  cidrv4: "an IPv4 range",
  cidrv6: "an IPv6 range",
  base64: "base64 text",
  base64url: "base64url text",
  e164: "a phone number like +14155550100",
  jwt: "a JSON Web Token",
  emoji: "an emoji",
  json_string: "JSON text",
};

const typeWord = (type: string) => TYPE_WORDS[type] ?? type;
const plural = (count: number | bigint, one: string, many: string) => `${count} ${Number(count) === 1 ? one : many}`;
const shown = (value: unknown) => (typeof value === "string" ? `"${value}"` : typeof value === "bigint" ? value.toString() : JSON.stringify(value));

/** Where in the request a problem is: "name", "variables › item 2 › name"; "" for the whole thing. */
export function fieldLabel(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === "number" ? `item ${segment + 1}` : String(segment))).join(" › ");
}

/** What the whole checked part is called when a problem has no path. */
function wholeLabel(where: Where | undefined): string {
  if (where === "query") return "query";
  if (where === "param") return "path";
  if (where === "header") return "headers";
  return "body";
}

/** True when zod wrote the message (its English default), false when the schema did. */
function isZodDefault(issue: Issue): boolean {
  if (issue.code === "invalid_type") return /^Invalid input(:|$)/.test(issue.message);
  if (issue.code === "custom") return issue.message === "Invalid input";
  try {
    const fallback = zodEnglish(issue as never);
    const text = typeof fallback === "string" ? fallback : fallback?.message;
    return text === issue.message;
  } catch {
    return false;
  }
}

function received(issue: Issue): string | null {
  return /received (\w+)/.exec(issue.message)?.[1] ?? null;
}

function sizeMessage(origin: string, bound: number | bigint, kind: "min" | "max" | "exact", inclusive: boolean): string {
  if (origin === "string") {
    if (kind === "exact") return `must be exactly ${plural(bound, "character", "characters")}`;
    if (kind === "min") return Number(bound) <= 1 && inclusive ? "must not be empty" : `must be at least ${plural(inclusive ? bound : Number(bound) + 1, "character", "characters")}`;
    return `must be at most ${plural(inclusive ? bound : Number(bound) - 1, "character", "characters")}`;
  }
  if (origin === "array" || origin === "set" || origin === "map" || origin === "record" || origin === "object") {
    if (kind === "exact") return `must have exactly ${plural(bound, "item", "items")}`;
    if (kind === "min") return Number(bound) <= 1 && inclusive ? "must not be empty" : `must have at least ${plural(inclusive ? bound : Number(bound) + 1, "item", "items")}`;
    return `must have at most ${plural(inclusive ? bound : Number(bound) - 1, "item", "items")}`;
  }
  if (origin === "file") return kind === "min" ? `must be at least ${plural(bound, "byte", "bytes")}` : `must be at most ${plural(bound, "byte", "bytes")}`;
  if (origin === "date") {
    const day = new Date(Number(bound)).toISOString();
    return kind === "min" ? `must be ${inclusive ? "on or after" : "after"} ${day}` : `must be ${inclusive ? "on or before" : "before"} ${day}`;
  }
  if (kind === "exact") return `must be exactly ${bound}`;
  if (kind === "min") return inclusive ? `must be at least ${bound}` : `must be greater than ${bound}`;
  return inclusive ? `must be at most ${bound}` : `must be less than ${bound}`;
}

/** The problem in words, without the field's name. */
export function describeIssue(issue: Issue): string {
  if (!isZodDefault(issue)) return issue.message;
  switch (issue.code) {
    case "invalid_type": {
      const got = received(issue);
      if (got === "undefined") return "is required";
      const expected = `must be ${typeWord(issue.expected)}`;
      if (issue.expected === "int" && got === "number") return expected;
      if (got === null || got === "null") return got === "null" ? `${expected}, not null` : expected;
      return `${expected}, not ${typeWord(got === "NaN" ? "nan" : got)}`;
    }
    case "too_small":
      return sizeMessage(issue.origin, issue.minimum, issue.exact ? "exact" : "min", issue.inclusive !== false);
    case "too_big":
      return sizeMessage(issue.origin, issue.maximum, issue.exact ? "exact" : "max", issue.inclusive !== false);
    case "invalid_format": {
      const format = issue as Issue & { format: string; prefix?: string; suffix?: string; includes?: string };
      if (format.format === "starts_with") return `must start with "${format.prefix}"`;
      if (format.format === "ends_with") return `must end with "${format.suffix}"`;
      if (format.format === "includes") return `must contain "${format.includes}"`;
      if (format.format === "lowercase") return "must be in lowercase letters";
      if (format.format === "uppercase") return "must be in uppercase letters";
      if (format.format === "regex") return "has characters or a form that is not allowed here";
      return `must be ${FORMAT_WORDS[format.format] ?? `a valid ${format.format}`}`;
    }
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "unrecognized_keys":
      return issue.keys.length === 1 ? `has a field this request does not accept: ${issue.keys[0]}` : `has fields this request does not accept: ${issue.keys.join(", ")}`;
    case "invalid_value":
      return issue.values.length === 1 ? `must be ${shown(issue.values[0])}` : `must be one of ${issue.values.map(shown).join(", ")}`;
    case "invalid_union": {
      // Every form failed on its type alone: say which types are accepted.
      const expected = issue.errors.map((branch) => (branch.length === 1 && branch[0]!.code === "invalid_type" && branch[0]!.path.length === 0 ? branch[0]!.expected : null));
      if (expected.length > 0 && expected.every((type) => type !== null)) {
        if (received(issue.errors[0]![0]!) === "undefined") return "is required";
        return `must be ${[...new Set(expected.map((type) => typeWord(type!)))].join(" or ")}`;
      }
      return "does not have any of the forms accepted here";
    }
    case "invalid_key":
      return "has a key that is not allowed here";
    case "invalid_element":
      return "has a value that is not allowed here";
    default:
      return "is not valid";
  }
}

/** One problem as a person reads it: "name: must not be empty". */
export function describeIssueWithField(issue: Issue, where?: Where): string {
  const label = fieldLabel(issue.path);
  return `${label || wholeLabel(where)}: ${describeIssue(issue)}`;
}

/** The issues with their messages in words (for an error's details); paths and codes kept. */
export function readableIssues(issues: readonly Issue[]): Array<Record<string, unknown>> {
  return issues.map((issue) => {
    const { errors: _nested, ...rest } = issue as Issue & { errors?: unknown };
    return { ...rest, message: describeIssue(issue) };
  });
}

/** A sentence for all the issues: the first one's, and how many more there are. */
export function validationMessage(issues: readonly Issue[], where?: Where): string {
  const first = issues[0];
  if (!first) return "The request is not valid";
  const more = issues.length - 1;
  return `${describeIssueWithField(first, where)}${more > 0 ? ` (and ${plural(more, "more problem", "more problems")})` : ""}`;
}

/** The VALIDATION_FAILED error for a failed zod check: the message in words, the issues as details. */
export function validationFailed(issues: readonly Issue[], where?: Where): ApiError {
  return new ApiError("VALIDATION_FAILED", validationMessage(issues, where), { details: readableIssues(issues) });
}
