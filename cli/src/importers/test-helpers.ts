/**
 * What the importers' tests check of every converted document: that the API's own schema of
 * POST /api/prompts/import accepts it, and that the real template engine compiles and renders
 * each version with its declared variables (strict: no variable used but undeclared).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect } from "vitest";
import { portableDocumentSchema } from "../../../workers/api/src/routes/prompts/import-export/schemas.ts";
import { compileMessages, compileTemplate, renderMessages, renderTemplate } from "../../../workers/shared/src/template/index.ts";

export const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, "../../test/fixtures", name), "utf8");

export type PortableVersion = {
  version_number?: number;
  kind: "text" | "chat";
  content?: string;
  messages?: Array<{ role: "system" | "user" | "assistant"; content: string }>;
  variables?: Array<{ name: string; type: "string"; required: boolean }>;
  model_config?: Record<string, unknown>;
  changelog?: string;
  status?: string;
};
export type PortablePrompt = { slug: string; name: string; tags?: Array<{ name: string }>; versions: PortableVersion[] };

/** Parses the document with the API's schema (failing with its issues) and returns it typed. */
export function validDocument(document: unknown): PortablePrompt[] {
  const parsed = portableDocumentSchema.safeParse(document);
  expect(parsed.success ? [] : parsed.error.issues, "issues the API's import schema finds").toEqual([]);
  return (document as { prompts: PortablePrompt[] }).prompts;
}

/** Renders a version with `values` as the API's preview would (strict), failing on any template error. */
export function render(version: PortableVersion, values: Record<string, string>): string {
  const definitions = (version.variables ?? []).map((variable) => ({ ...variable }));
  if (version.kind === "text") {
    const compiled = compileTemplate(version.content!);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const rendered = renderTemplate(compiled.template, values, definitions, { strict: true });
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));
    return rendered.text;
  }
  const compiled = compileMessages(version.messages!);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const rendered = renderMessages(compiled.messages, values, definitions, { strict: true });
  if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));
  return rendered.messages.map((message) => `${message.role}: ${message.content}`).join("\n");
}
