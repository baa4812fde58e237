// The code the prompt page's "Use in code" snippet shows, per language: the TypeScript and Python
// SDKs (`@xr2/sdk`, `xr2`) and plain cURL against the edge. Pure functions of the prompt's slug,
// kind and variables, the environment, the edge's URL and a business event, so that what a
// developer copies is always built from the real prompt. The API key is never in the code: every
// language reads the XR2_API_KEY environment variable.
import type { Scalar, VariableDefinition } from "~/api/prompts";
import type { Environment } from "~/api/types";

export type SnippetLanguage = "typescript" | "python" | "curl";

export const SNIPPET_LANGUAGES: ReadonlyArray<{ id: SnippetLanguage; label: string }> = [
  { id: "typescript", label: "TypeScript" },
  { id: "python", label: "Python" },
  { id: "curl", label: "cURL" },
];

/**
 * How each language installs its SDK. The packages are built from sdk/typescript and sdk/python in
 * this repository (issue #13); these are the names they are published under.
 */
export const INSTALL_COMMAND: Record<SnippetLanguage, string | null> = {
  typescript: "npm install @xr2/sdk",
  python: "pip install xr2",
  curl: null,
};

/** The business event the snippet tracks: the workspace's first defined event, or a generic one. */
export interface SnippetEvent {
  name: string;
  fields: Record<string, Scalar>;
}

export const DEFAULT_EVENT: SnippetEvent = { name: "conversion", fields: { revenue: 9.99 } };

export interface SnippetInput {
  slug: string;
  kind: "text" | "chat";
  environment: Environment;
  edgeUrl: string;
  /** Variable name → the value shown (see sampleValues). */
  values: ReadonlyArray<[string, Scalar]>;
  event: SnippetEvent;
}

/** An example value of a type: what the snippets show when nothing better is known. */
export function sampleOfType(type: "string" | "number" | "boolean" | "enum", values?: readonly string[]): Scalar {
  switch (type) {
    case "number":
      return 42;
    case "boolean":
      return true;
    case "enum":
      return values?.[0] ?? "example";
    default:
      return "example";
  }
}

/**
 * A value for every declared variable: the one the editor's preview runs with when there is one
 * (what the author just saw rendered), else the variable's default, else an example of its type
 * (an enum's first value).
 */
export function sampleValues(variables: readonly VariableDefinition[], previewValues: Record<string, Scalar>): Array<[string, Scalar]> {
  return variables.map((variable) => [variable.name, previewValues[variable.name] ?? variable.default ?? sampleOfType(variable.type, variable.values)]);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Objects that fit on one line this long are written inline. */
const INLINE_WIDTH = 60;

/** A TypeScript object literal, inline when short, else one property per line at `indent`. */
function typescriptObject(entries: ReadonlyArray<[string, Scalar]>, indent: string): string {
  const properties = entries.map(([name, value]) => `${IDENTIFIER.test(name) ? name : JSON.stringify(name)}: ${JSON.stringify(value)}`);
  const inline = `{ ${properties.join(", ")} }`;
  if (inline.length <= INLINE_WIDTH) return inline;
  return `{\n${properties.map((property) => `${indent}  ${property},`).join("\n")}\n${indent}}`;
}

/** A Python literal of a scalar: JSON's string and number syntax are valid Python. */
function pythonValue(value: Scalar): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  return JSON.stringify(value);
}

/** A Python dict literal, inline when short, else one item per line at `indent`. */
function pythonDict(entries: ReadonlyArray<[string, Scalar]>, indent: string): string {
  const items = entries.map(([name, value]) => `${JSON.stringify(name)}: ${pythonValue(value)}`);
  const inline = `{${items.join(", ")}}`;
  if (inline.length <= INLINE_WIDTH) return inline;
  return `{\n${items.map((item) => `${indent}    ${item},`).join("\n")}\n${indent}}`;
}

/** A string in single quotes for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

const readsOutput = (kind: SnippetInput["kind"]) => (kind === "chat" ? "messages" : "content");

export function typescriptSnippet(input: SnippetInput): string {
  const options: string[] = [];
  if (input.values.length > 0) options.push(`  variables: ${typescriptObject(input.values, "  ")},`);
  options.push(`  unitId: "user-42", // the same user always gets the same experiment variant`);
  const fields = Object.entries(input.event.fields);
  const track = `xr2.track(p.trace_id, ${JSON.stringify(input.event.name)}${fields.length > 0 ? `, ${typescriptObject(fields, "")}` : ""});`;
  return [
    `import { XR2 } from "@xr2/sdk";`,
    "",
    "const xr2 = new XR2({",
    "  apiKey: process.env.XR2_API_KEY!,",
    `  baseUrl: ${JSON.stringify(input.edgeUrl)},`,
    `  environment: ${JSON.stringify(input.environment)},`,
    `  source: "my-app",`,
    "});",
    "",
    "// Cached and rendered in your app; served from cache or a fallback if xR2 is unreachable.",
    `const p = await xr2.getPrompt(${JSON.stringify(input.slug)}, {`,
    ...options,
    "});",
    input.kind === "chat" ? "console.log(p.messages); // [{ role, content }, …] for your model call" : "console.log(p.content);",
    "",
    "// When the user converts, attach the business event to this prompt's trace.",
    track,
    "await xr2.flush(); // before the process exits",
  ].join("\n");
}

export function pythonSnippet(input: SnippetInput): string {
  const arguments_ = [JSON.stringify(input.slug)];
  if (input.values.length > 0) arguments_.push(`variables=${pythonDict(input.values, "    ")}`);
  arguments_.push(`unit_id="user-42"`);
  const inline = `p = xr2.get_prompt(${arguments_.join(", ")})`;
  // One line when it fits black's 88 columns, else one argument per line.
  const call = inline.length <= 88 && !inline.includes("\n") ? inline : `p = xr2.get_prompt(\n${arguments_.map((argument) => `    ${argument},`).join("\n")}\n)`;
  const fields = Object.entries(input.event.fields);
  const track = `xr2.track(p.trace_id, ${JSON.stringify(input.event.name)}${fields.length > 0 ? `, ${pythonDict(fields, "")}` : ""})`;
  return [
    "import os",
    "",
    "from xr2 import XR2",
    "",
    "xr2 = XR2(",
    `    api_key=os.environ["XR2_API_KEY"],`,
    `    base_url=${JSON.stringify(input.edgeUrl)},`,
    `    environment=${JSON.stringify(input.environment)},`,
    `    source="my-app",`,
    ")",
    "",
    "# Cached and rendered in your app; served from cache or a fallback if xR2 is unreachable.",
    "# unit_id: the same user always gets the same experiment variant.",
    call,
    input.kind === "chat" ? "print(p.messages)  # [{role, content}, …] for your model call" : "print(p.content)",
    "",
    "# When the user converts, attach the business event to this prompt's trace.",
    track,
    "xr2.flush()  # before the process exits",
  ].join("\n");
}

/** The edge's rendered get-prompt URL with the environment and the values as `var.` parameters. */
export function getPromptUrl(input: SnippetInput): string {
  const parameters: Array<[string, string]> = [["env", input.environment], ...input.values.map(([name, value]): [string, string] => [`var.${name}`, String(value)])];
  return `${input.edgeUrl}/api/v1/get-prompt/${encodeURIComponent(input.slug)}?${new URLSearchParams(parameters).toString()}`;
}

export function curlSnippet(input: SnippetInput): string {
  const event = JSON.stringify({ trace_id: "<trace_id from the answer>", event_name: input.event.name, fields: input.event.fields });
  return [
    `curl "${getPromptUrl(input)}" \\`,
    `  -H "Authorization: Bearer $XR2_API_KEY"`,
    "",
    "# When the user converts, attach the business event to the answer's trace_id.",
    `curl -X POST "${input.edgeUrl}/api/v1/events" \\`,
    `  -H "Authorization: Bearer $XR2_API_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d ${shellQuote(event)}`,
  ].join("\n");
}

export function snippetCode(language: SnippetLanguage, input: SnippetInput): string {
  if (language === "typescript") return typescriptSnippet(input);
  if (language === "python") return pythonSnippet(input);
  return curlSnippet(input);
}

/** The event a workspace's definition describes, with an example of each required field. */
export function eventFromDefinition(definition: { event_name: string; required_fields: ReadonlyArray<{ name: string; type: "string" | "number" | "boolean" }> }): SnippetEvent {
  return { name: definition.event_name, fields: Object.fromEntries(definition.required_fields.map((field) => [field.name, sampleOfType(field.type)])) };
}
