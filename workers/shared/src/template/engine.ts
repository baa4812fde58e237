/**
 * The template engine (P5). One engine for the edge worker (hot path), the API preview and the
 * SDK: compile once into a small tree (the edge caches it per version), then render per request.
 *
 * Syntax, read left to right by a hand-written linear scanner:
 *   {name}          the value of variable `name`. A name is an ASCII letter or `_`, then ASCII
 *                   letters, digits or `_`, directly between the braces (`{ name }` is not a
 *                   variable). Strings as they are, numbers as String(n), booleans as true/false;
 *                   an optional variable without value or default renders as "".
 *   {{  }}          a literal `{` and `}`. Doubling every brace of any text gives the text back.
 *   {% if name %}…{% else %}…{% endif %}, {% if not name %}: nestable, `else` optional, any
 *                   whitespace inside the tag (`{%if x%}`). false, "", 0, null and no value are
 *                   false; every other value is true.
 * Other tags are refused unless the caller passes a handler for them: `{% include "slug" %}`
 * (./index.ts, the engine of the API and the edge) is resolved when a version is published, so
 * the SDKs, which only ever see resolved text, bundle this file alone, without include parsing.
 * Literal braces need no escaping when they cannot be read as the above: a `{` that starts none
 * of `{{`, `{%`, `{name}` is literal text, and so is the `}` that closes it, even when another
 * `}` follows. So JSON examples, `{"a": {"b": [1]}}`, render unchanged and `{"user": "{name}"}`
 * still substitutes `name`. Outside such literal braces a lone `}` is literal and `}}` is `}`.
 * Write `{{name}}` for the literal text `{name}`.
 * Every `{%` opens a tag that must be a well-formed if/else/endif, and ifs must balance; these
 * are "syntax" errors. All errors are collected (up to MAX_ERRORS), each with the variable and
 * the position (0-based offset; 1-based line and column in UTF-16 code units) of its first use.
 */
import type { PublishedPrompt } from "../kv.ts";

export type VariableDefinition = PublishedPrompt["variables"][number];
export type ChatMessage = NonNullable<PublishedPrompt["messages"]>[number];
type Scalar = string | number | boolean;

// sourceChars is PROMPT_LIMITS.templateChars (a test holds them equal), written out so the SDKs
// do not bundle the API's other limits.
export const TEMPLATE_LIMITS = { sourceChars: 100_000, depth: 32, outputChars: 1_000_000 } as const;
const MAX_ERRORS = 100;

export interface TemplateError {
  code: "syntax" | "missing_variable" | "type_mismatch" | "unknown_variable" | "limit_exceeded";
  message: string;
  variable?: string;
  position?: { offset: number; line: number; column: number };
}
/** Errors of a chat prompt name the message they occur in, when they occur in one. */
export type MessageTemplateError = TemplateError & { message_index?: number };

interface IfNode {
  readonly type: "if";
  readonly name: string;
  readonly negate: boolean;
  readonly offset: number;
  readonly then: TemplateNode[];
  readonly else: TemplateNode[];
}
export type TemplateNode = string | { readonly type: "variable"; readonly name: string; readonly offset: number } | IfNode;

export interface CompiledTemplate {
  readonly source: string;
  readonly nodes: readonly TemplateNode[];
  /** Every variable the template mentions, in order of first use, with that use's offset. */
  readonly uses: ReadonlyMap<string, number>;
}
export interface CompiledMessage {
  readonly role: ChatMessage["role"];
  readonly template: CompiledTemplate;
}

export type Failure<E = TemplateError> = { ok: false; errors: E[] };

const OPEN = 123; // {
const CLOSE = 125; // }
const PERCENT = 37; // %

/**
 * A handler for tags other than if/else/endif, given the tag's text (trimmed) and its span in the
 * source: undefined when the tag is not its own (then it is an unknown tag), null when it is
 * accepted, or the error to report at the tag. An accepted tag renders nothing.
 */
export type TagHandler = (tag: string, offset: number, end: number) => Pick<TemplateError, "code" | "message"> | null | undefined;

export function compileTemplate(source: string, otherTag?: TagHandler): { ok: true; template: CompiledTemplate } | Failure {
  if (source.length > TEMPLATE_LIMITS.sourceChars) {
    return limitFailure(`the template has ${source.length} characters; at most ${TEMPLATE_LIMITS.sourceChars} are allowed`);
  }
  const errors: TemplateError[] = [];
  const fail = (code: TemplateError["code"], offset: number, message: string) =>
    errors.push({ code, message, position: positionAt(source, offset) });
  const uses = new Map<string, number>();
  const use = (name: string, offset: number) => uses.has(name) || uses.set(name, offset);
  const root: TemplateNode[] = [];
  const open: { node: IfNode; inElse: boolean }[] = [];
  let out = root; // the node list text and tags are appended to
  let text = ""; // literal text not yet appended: escapes joined with source.slice(textStart, …)
  let textStart = 0;
  let literalBraces = 0; // `{` read as literal text whose `}` is still to come
  const flush = (end: number) => {
    text += source.slice(textStart, end);
    if (text !== "") out.push(text);
    text = "";
  };

  let i = 0;
  while (i < source.length && errors.length < MAX_ERRORS) {
    const c = source.charCodeAt(i);
    if (c === OPEN) {
      const next = source.charCodeAt(i + 1);
      if (next === OPEN) {
        text += source.slice(textStart, i + 1);
        textStart = i += 2;
        continue;
      }
      if (next === PERCENT) {
        const close = source.indexOf("%}", i + 2);
        if (close < 0) {
          // No later `%}` exists, so nothing after this can be a tag either: stop here.
          fail("syntax", i, "`{%` is never closed by `%}`");
          break;
        }
        flush(i);
        const tag = source.slice(i + 2, close).trim();
        const words = tag.split(/\s+/);
        const top = open.at(-1);
        if (words[0] === "if") {
          const negate = words[1] === "not";
          const name = (words.length === (negate ? 3 : 2) ? words.at(-1) : undefined) ?? "";
          if (isIdentifier(name)) use(name, i);
          else fail("syntax", i, `malformed tag ${quote(tag)}: expected {% if name %} or {% if not name %}`);
          if (open.length === TEMPLATE_LIMITS.depth) fail("limit_exceeded", i, `ifs are nested more than ${TEMPLATE_LIMITS.depth} deep`);
          const node: IfNode = { type: "if", name, negate, offset: i, then: [], else: [] };
          out.push(node);
          open.push({ node, inElse: false });
          out = node.then;
        } else if (tag === "else") {
          if (!top) fail("syntax", i, "{% else %} without an open {% if %}");
          else if (top.inElse) fail("syntax", i, "a second {% else %} in the same {% if %}");
          else {
            top.inElse = true;
            out = top.node.else;
          }
        } else if (tag === "endif") {
          if (!top) fail("syntax", i, "{% endif %} without an open {% if %}");
          open.pop();
          const parent = open.at(-1);
          out = parent ? (parent.inElse ? parent.node.else : parent.node.then) : root;
        } else {
          const error = otherTag?.(tag, i, close + 2);
          if (error === undefined) fail("syntax", i, `unknown tag ${quote(tag)}: expected if, else or endif (write {{% for a literal "{%")`);
          else if (error) fail(error.code, i, error.message);
        }
        textStart = i = close + 2;
        continue;
      }
      const end = identifierEnd(source, i + 1);
      if (end > i + 1 && source.charCodeAt(end) === CLOSE) {
        flush(i);
        const name = source.slice(i + 1, end);
        out.push({ type: "variable", name, offset: i });
        use(name, i);
        textStart = i = end + 1;
        continue;
      }
      literalBraces++;
    } else if (c === CLOSE) {
      if (literalBraces > 0) literalBraces--;
      else if (source.charCodeAt(i + 1) === CLOSE) {
        text += source.slice(textStart, i + 1);
        textStart = i += 2;
        continue;
      }
    }
    i++;
  }
  flush(i);
  for (const { node } of open) fail("syntax", node.offset, `{% if ${node.negate ? "not " : ""}${node.name} %} is never closed by {% endif %}`);
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_ERRORS) };
  return { ok: true, template: { source, nodes: root, uses } };
}

/** Variables the template mentions, in order of first use. */
export function variablesUsed(template: CompiledTemplate): string[] {
  return [...template.uses.keys()];
}

/**
 * Renders with values checked against the definitions: types must already match (query strings
 * go through coerceVariables first), defaults fill absent values, a required variable without a
 * value is an error. With `strict`, variables that are supplied or used but not declared are
 * errors; otherwise they render like optional strings.
 */
export function renderTemplate(
  template: CompiledTemplate,
  values: Record<string, unknown>,
  definitions: readonly VariableDefinition[],
  opts: { strict?: boolean } = {},
): { ok: true; text: string } | Failure {
  const result = renderAll([template], values, definitions, opts.strict ?? false, false);
  return result.ok ? { ok: true, text: result.texts[0] ?? "" } : result;
}

export function compileMessages(messages: readonly ChatMessage[], otherTag?: () => TagHandler): { ok: true; messages: CompiledMessage[] } | Failure<MessageTemplateError> {
  const compiled: CompiledMessage[] = [];
  const errors: MessageTemplateError[] = [];
  messages.forEach((message, index) => {
    const result = compileTemplate(message.content, otherTag?.());
    if (result.ok) compiled.push({ role: message.role, template: result.template });
    else errors.push(...result.errors.map((error) => ({ ...error, message_index: index })));
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, messages: compiled };
}

/** Renders every message with the same values; the output limit applies to all of them together. */
export function renderMessages(
  messages: readonly CompiledMessage[],
  values: Record<string, unknown>,
  definitions: readonly VariableDefinition[],
  opts: { strict?: boolean } = {},
): { ok: true; messages: ChatMessage[] } | Failure<MessageTemplateError> {
  const templates = messages.map((message) => message.template);
  const result = renderAll(templates, values, definitions, opts.strict ?? false, true);
  if (!result.ok) return result;
  return { ok: true, messages: messages.map((message, index) => ({ role: message.role, content: result.texts[index] ?? "" })) };
}

/**
 * Turns request values into typed ones: query strings give "42" for a number and "true"/"false"
 * for a boolean; enums must be one of their values; defaults fill absent values; a required
 * variable without value or default is an error. Undeclared names pass through unchanged, for
 * renderTemplate's strict mode to judge.
 */
export function coerceVariables(
  raw: Record<string, Scalar>,
  definitions: readonly VariableDefinition[],
): { ok: true; values: Record<string, Scalar> } | Failure {
  // Copied only when a value changes (a default filled in, a string made a number): on the hot
  // path of the edge and the SDKs, typed values that need nothing come back as they are.
  let values: Map<string, Scalar> | undefined;
  let errors: TemplateError[] | undefined;
  for (const definition of definitions) {
    const supplied = Object.hasOwn(raw, definition.name) ? raw[definition.name] : undefined;
    const input = supplied ?? definition.default;
    if (input === undefined) {
      if (definition.required) (errors ??= []).push(missing(definition.name));
      continue;
    }
    const value = coerce(definition, input);
    if (value === undefined) (errors ??= []).push(mismatch(definition, input, supplied === undefined));
    else if (value !== supplied) (values ??= new Map(Object.entries(raw))).set(definition.name, value);
  }
  if (errors) return { ok: false, errors };
  return { ok: true, values: values ? Object.fromEntries(values) : raw };
}

function renderAll(
  templates: readonly CompiledTemplate[],
  values: Record<string, unknown>,
  definitions: readonly VariableDefinition[],
  strict: boolean,
  indexed: boolean,
): { ok: true; texts: string[] } | Failure<MessageTemplateError> {
  // No closure is made per call, nor an error list until an error: this runs on every
  // get-prompt, at the edge and in the SDKs, where each object is garbage for the collector.
  let errors: MessageTemplateError[] | undefined;
  const resolved = new Map<string, Scalar>();
  for (const definition of definitions) {
    const supplied = own(values, definition.name);
    const value = supplied ?? definition.default;
    if (value === undefined) {
      if (definition.required) reportAtFirstUse((errors ??= []), templates, indexed, missing(definition.name));
    } else if (matches(definition, value)) resolved.set(definition.name, value);
    else reportAtFirstUse((errors ??= []), templates, indexed, mismatch(definition, value, supplied === undefined));
  }
  // Only strict renders (the API's checks) collect undeclared names: no Set on the hot path. A
  // for-in (own names only, through own()) walks the values without the array Object.keys makes.
  const undeclared = strict ? new Set<string>() : null;
  for (const name in values) {
    if (resolved.has(name)) continue;
    const value = own(values, name);
    if (value === undefined || isDeclared(definitions, name)) continue;
    if (undeclared) undeclared.add(name);
    else if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) resolved.set(name, value);
    else reportAtFirstUse((errors ??= []), templates, indexed, { code: "type_mismatch", variable: name, message: `variable "${name}" must be a string, a finite number or a boolean, not ${describe(value)}` });
  }
  if (undeclared) {
    for (const template of templates) for (const name of template.uses.keys()) if (!resolved.has(name) && !isDeclared(definitions, name)) undeclared.add(name);
    for (const name of undeclared) reportAtFirstUse((errors ??= []), templates, indexed, { code: "unknown_variable", variable: name, message: `variable "${name}" is not declared in the prompt's variables` });
  }
  if (errors) return { ok: false, errors };

  const output = { text: "", room: TEMPLATE_LIMITS.outputChars };
  // Sized up front: a push onto an empty array would allocate room for 16.
  const texts: string[] = new Array<string>(templates.length);
  let i = 0;
  for (const template of templates) {
    output.text = "";
    if (!emit(template.nodes, resolved, output)) {
      return limitFailure(`the rendered text would exceed ${TEMPLATE_LIMITS.outputChars} characters`);
    }
    texts[i++] = output.text;
  }
  return { ok: true, texts };
}

/** Each error points at the variable's first use, in the first template that uses it. */
function reportAtFirstUse(errors: MessageTemplateError[], templates: readonly CompiledTemplate[], indexed: boolean, error: TemplateError & { variable: string }): void {
  const index = templates.findIndex((template) => template.uses.has(error.variable));
  const template = templates[index];
  const offset = template?.uses.get(error.variable);
  if (template && offset !== undefined) {
    error.position = positionAt(template.source, offset);
    if (indexed) (error as MessageTemplateError).message_index = index;
  }
  errors.push(error);
}

/**
 * Asked only of names that are not resolved (undeclared values, or declared ones that failed),
 * so scanning the definitions costs nothing on the hot path.
 */
function isDeclared(definitions: readonly VariableDefinition[], name: string): boolean {
  for (const definition of definitions) if (definition.name === name) return true;
  return false;
}

/** Appends the nodes' text; false when the output limit would be exceeded. */
function emit(nodes: readonly TemplateNode[], values: ReadonlyMap<string, Scalar>, output: { text: string; room: number }): boolean {
  for (const node of nodes) {
    let piece: string;
    if (typeof node === "string") piece = node;
    else if (node.type === "variable") piece = String(values.get(node.name) ?? "");
    else {
      const value = values.get(node.name);
      const truthy = value !== undefined && value !== false && value !== "" && value !== 0;
      if (!emit(truthy !== node.negate ? node.then : node.else, values, output)) return false;
      continue;
    }
    if (piece.length > output.room) return false;
    output.room -= piece.length;
    output.text += piece;
  }
  return true;
}

function matches(definition: VariableDefinition, value: unknown): value is Scalar {
  switch (definition.type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "enum":
      return typeof value === "string" && (definition.values ?? []).includes(value);
  }
}

// Decimal numbers only (no hex, "Infinity", blanks or "1_000"); unambiguous, so linear.
const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function coerce(definition: VariableDefinition, value: Scalar): Scalar | undefined {
  if (typeof value === "string" && definition.type === "number") {
    const number = DECIMAL.test(value) ? Number(value) : Number.NaN;
    return Number.isFinite(number) ? number : undefined;
  }
  if (typeof value === "string" && definition.type === "boolean") return value === "true" ? true : value === "false" ? false : undefined;
  return matches(definition, value) ? value : undefined;
}

function missing(name: string): TemplateError & { variable: string } {
  return { code: "missing_variable", variable: name, message: `required variable "${name}" has no value` };
}

function mismatch(definition: VariableDefinition, value: unknown, isDefault: boolean): TemplateError & { variable: string } {
  const expected = {
    string: "a string",
    number: "a number",
    boolean: "true or false",
    enum: `one of ${(definition.values ?? []).map((allowed) => JSON.stringify(allowed)).join(", ")}`,
  }[definition.type];
  const subject = isDefault ? `the default of variable "${definition.name}"` : `variable "${definition.name}"`;
  return { code: "type_mismatch", variable: definition.name, message: `${subject} must be ${expected}, not ${describe(value)}` };
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return Array.isArray(value) ? "an array" : `a value of type ${typeof value}`;
}

/** Own properties only, so `{constructor}` is not Object's constructor; null counts as absent. */
function own(values: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(values, name) ? (values[name] ?? undefined) : undefined;
}

function limitFailure(message: string): Failure {
  return { ok: false, errors: [{ code: "limit_exceeded", message }] };
}

export function quote(tag: string): string {
  return `"{% ${tag.length > 40 ? `${tag.slice(0, 40)}…` : tag} %}"`;
}

function isIdentifierChar(c: number, first: boolean): boolean {
  return c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (!first && c >= 48 && c <= 57);
}

/** The index just past the identifier starting at `start` (`start` itself when there is none). */
function identifierEnd(source: string, start: number): number {
  let end = start;
  while (end < source.length && isIdentifierChar(source.charCodeAt(end), end === start)) end++;
  return end;
}

function isIdentifier(name: string): boolean {
  return name !== "" && identifierEnd(name, 0) === name.length;
}

function positionAt(source: string, offset: number): { offset: number; line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf("\n"); i >= 0 && i < offset; i = source.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart + 1 };
}
