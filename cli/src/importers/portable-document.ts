/**
 * What both importers build: xR2's portable import document (the body of POST /api/prompts/import,
 * workers/api/src/routes/prompts/import-export/schemas.ts). Each importer reads its product's
 * prompts into ImportedPrompt values; this module turns them into the document, applying our
 * limits (slugs, tag names, model settings, sizes) and reporting every value it could not carry
 * over as a warning rather than dropping it silently.
 */
import { compileTemplate } from "../../../workers/shared/src/template/index.ts";

/** The format version of the document (PORTABLE_FORMAT_VERSION in the API). */
const PORTABLE_FORMAT_VERSION = 1;
const MAX_PROMPTS = 100;
const MAX_VERSIONS = 200;
const MAX_TAGS = 50;
/** An export larger than this is refused before it is parsed: a prompt export is far smaller. */
export const MAX_EXPORT_CHARS = 20_000_000;

export type Role = "system" | "user" | "assistant";

/** A template in xR2's syntax, with the variables it substitutes and those it only tests in ifs. */
export interface ConvertedTemplate {
  text: string;
  substituted: Set<string>;
  tested: Set<string>;
}

export interface ImportedVersion {
  /** Where it came from, for warnings: `langfuse prompt "support/reply" version 3`. */
  label: string;
  versionNumber?: number;
  body: { kind: "text"; content: ConvertedTemplate } | { kind: "chat"; messages: Array<{ role: Role; content: ConvertedTemplate }> };
  /** Variables the source declares beside the template (PromptLayer's input_variables). */
  declaredVariables?: string[];
  modelConfig: Record<string, unknown>;
  changelog?: string;
}

export interface ImportedPrompt {
  name: string;
  description?: string;
  tags: string[];
  versions: ImportedVersion[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && name.length <= 64;
}

/** Literal text in our syntax: doubling every brace gives the text back (template/index.ts). */
export function literal(text: string): string {
  return text.replaceAll("{", "{{").replaceAll("}", "}}");
}

/**
 * Checks a converted template with the real engine; a template the engine refuses (say, ifs left
 * unbalanced by a construct kept as text) is replaced by `fallback()`, its source as plain text.
 */
export function checkedTemplate(converted: ConvertedTemplate, fallback: () => ConvertedTemplate, where: string, warnings: string[]): ConvertedTemplate {
  const compiled = compileTemplate(converted.text);
  if (compiled.ok) return converted;
  warnings.push(`${where}: the converted template was not valid (${compiled.errors[0]?.message}); its conditions were kept as plain text`);
  return fallback();
}

/** A slug xR2 accepts, from a product's prompt name (which may hold folders, spaces, capitals). */
function slugFrom(name: string, taken: Set<string>): string {
  const base =
    name
      .normalize("NFKD")
      .replaceAll(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replaceAll(/[^a-z0-9._-]+/g, "-")
      .replaceAll(/^[^a-z0-9]+/g, "")
      .replaceAll(/-+$/g, "")
      .slice(0, 120) || "prompt";
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

/** Known settings checked against the API's ranges; the rest kept as provider settings when their names are valid. */
export function modelConfigFrom(settings: Record<string, unknown>, where: string, warnings: string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const refused: string[] = [];
  const kept: string[] = [];
  const number = (value: unknown, min: number, max: number, integer = false) => typeof value === "number" && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined || value === null) continue;
    if (key === "provider") {
      if (value === "openai" || value === "anthropic" || value === "google") config.provider = value;
      else refused.push(`provider ${JSON.stringify(value)} (xR2 knows openai, anthropic, google)`);
    } else if (key === "model") {
      if (typeof value === "string" && value.length > 0 && value.length <= 200) config.model = value;
      else refused.push(`model ${JSON.stringify(value)}`);
    } else if (key === "temperature") {
      if (number(value, 0, 2)) config.temperature = value;
      else refused.push(`temperature ${JSON.stringify(value)} (0 to 2)`);
    } else if (key === "top_p") {
      if (number(value, 0, 1)) config.top_p = value;
      else refused.push(`top_p ${JSON.stringify(value)} (0 to 1)`);
    } else if (key === "max_tokens") {
      if (number(value, 1, 200_000, true)) config.max_tokens = value;
      else refused.push(`max_tokens ${JSON.stringify(value)} (an integer from 1 to 200000)`);
    } else if (/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(key) && Object.keys(config).length < 50 && JSON.stringify({ ...config, [key]: value }).length <= 10_000) {
      config[key] = value;
      kept.push(key);
    } else {
      refused.push(key);
    }
  }
  if (kept.length > 0) warnings.push(`${where}: settings kept as provider settings, unchecked by xR2: ${kept.join(", ")}`);
  if (refused.length > 0) warnings.push(`${where}: settings not imported: ${refused.join("; ")}`);
  return config;
}

function variablesOf(version: ImportedVersion, where: string, warnings: string[]): Array<{ name: string; type: "string"; required: boolean }> {
  const templates = version.body.kind === "text" ? [version.body.content] : version.body.messages.map((message) => message.content);
  const substituted = new Set(templates.flatMap((template) => [...template.substituted]));
  const tested = new Set(templates.flatMap((template) => [...template.tested]));
  const names = [...substituted, ...tested];
  for (const name of version.declaredVariables ?? []) {
    if (isIdentifier(name)) names.push(name);
    else warnings.push(`${where}: the declared variable ${JSON.stringify(name)} is not a valid xR2 variable name and was not declared`);
  }
  const unique = [...new Set(names)];
  if (unique.length > 100) warnings.push(`${where}: ${unique.length} variables; only the first 100 are declared`);
  // Every variable is a string: neither product types them. A substituted one is required (the
  // source renders it literally or fails when missing) unless an if tests it; the rest are optional.
  return unique.slice(0, 100).map((name) => ({ name, type: "string" as const, required: substituted.has(name) && !tested.has(name) }));
}

/** The import document of `prompts`; throws when it would exceed the API's limits. */
export function portableDocument(source: string, prompts: ImportedPrompt[], warnings: string[]): { xr2_export: 1; prompts: unknown[] } {
  if (prompts.length === 0) throw new Error(`The ${source} export holds no prompts`);
  if (prompts.length > MAX_PROMPTS) throw new Error(`The ${source} export holds ${prompts.length} prompts; xR2 imports at most ${MAX_PROMPTS} per document: split the file`);
  const slugs = new Set<string>();
  const document = prompts.map((prompt) => {
    const where = `${source.toLowerCase()} prompt ${JSON.stringify(prompt.name)}`;
    if (prompt.versions.length > MAX_VERSIONS) throw new Error(`${where} has ${prompt.versions.length} versions; xR2 imports at most ${MAX_VERSIONS} per prompt: export fewer versions`);
    const tags: Array<{ name: string }> = [];
    for (const tag of new Set(prompt.tags.map((name) => name.trim()))) {
      if (tag === "" || tag.length > 64 || /^tag_[0-9a-z]{26}$/.test(tag)) warnings.push(`${where}: the tag ${JSON.stringify(tag)} is not a valid xR2 tag name and was not imported`);
      else if (tags.length === MAX_TAGS) warnings.push(`${where}: more than ${MAX_TAGS} tags; ${JSON.stringify(tag)} was not imported`);
      else tags.push({ name: tag });
    }
    const numbers = prompt.versions.map((version) => version.versionNumber);
    // Numbers are kept only when every version has a distinct one, as the API requires.
    const keepNumbers = numbers.every((number) => number !== undefined && number >= 1 && number <= 1_000_000) && new Set(numbers).size === numbers.length;
    return {
      slug: slugFrom(prompt.name, slugs),
      name: prompt.name.trim().slice(0, 200) || "Imported prompt",
      ...(prompt.description ? { description: prompt.description.slice(0, 2000) } : {}),
      ...(tags.length > 0 ? { tags } : {}),
      versions: prompt.versions.map((version) => {
        const variables = variablesOf(version, version.label, warnings);
        return {
          ...(keepNumbers ? { version_number: version.versionNumber } : {}),
          kind: version.body.kind,
          ...(version.body.kind === "text" ? { content: version.body.content.text } : { messages: version.body.messages.map((message) => ({ role: message.role, content: message.content.text })) }),
          ...(variables.length > 0 ? { variables } : {}),
          ...(Object.keys(version.modelConfig).length > 0 ? { model_config: version.modelConfig } : {}),
          ...(version.changelog?.trim() ? { changelog: version.changelog.trim().slice(0, 2000) } : {}),
          status: "draft" as const,
        };
      }),
    };
  });
  return { xr2_export: PORTABLE_FORMAT_VERSION, prompts: document };
}

/** Parses JSON text, or throws a readable error naming the product. */
export function parseJson(source: string, text: string): unknown {
  if (text.length > MAX_EXPORT_CHARS) throw new Error(`The file has ${text.length} characters; a ${source} export of at most ${MAX_EXPORT_CHARS} is accepted`);
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new Error(`The file is not a ${source} export: it is not valid JSON (${(error as Error).message})`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
