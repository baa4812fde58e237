/**
 * PromptLayer prompt templates → xR2. The shape is that of PromptLayer's "Get Prompt Template"
 * answer (POST /prompt-templates/{identifier}, docs.promptlayer.com/reference/templates-get):
 *   { id, prompt_name, version, commit_message, tags?,
 *     prompt_template: { type: "completion", content: [{ type: "text", text }], input_variables, template_format }
 *                    | { type: "chat", messages: [{ role, content: [{ type: "text", text }], … }], tools?, functions?, input_variables, template_format },
 *     metadata: { model: { provider, name, parameters: { temperature, max_tokens, … } }, … },
 *     llm_kwargs }
 * Accepted: one such object, a list of them (several versions of a template become its versions),
 * or the list answer of GET /prompt-templates, { items: [...] }, when its items hold the template.
 * `llm_kwargs` is the same settings rendered for a provider's client and is not read.
 *
 * template_format "f-string" (the default): `{name}` is a variable, `{{`/`}}` literal braces.
 * "jinja2": `{{ name }}` is a variable; `{% if name %}`, `{% if not name %}`, `{% else %}` and
 * `{% endif %}` map to ours; loops, filters, expressions and other tags are kept as text and
 * reported.
 */
import {
  checkedTemplate,
  type ConvertedTemplate,
  type ImportedPrompt,
  type ImportedVersion,
  isIdentifier,
  isRecord,
  literal,
  modelConfigFrom,
  parseJson,
  portableDocument,
  type Role,
} from "./portable-document.ts";

/** Python str.format as PromptLayer's f-string templates use it: `{name}`, `{{`, `}}`. */
export function convertFString(source: string, where: string, warnings: string[]): ConvertedTemplate {
  const result: ConvertedTemplate = { text: "", substituted: new Set(), tested: new Set() };
  const kept: string[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if ((c === "{" || c === "}") && source[i + 1] === c) {
      result.text += literal(c);
      i += 2;
    } else if (c === "{") {
      const close = source.indexOf("}", i + 1);
      const field = close < 0 ? "" : source.slice(i + 1, close);
      if (close >= 0 && isIdentifier(field)) {
        result.text += `{${field}}`;
        result.substituted.add(field);
        i = close + 1;
      } else {
        // Attribute or index access, conversions and format specs ({a.b}, {x!r}, {n:.2f}) have no equivalent.
        const end = close < 0 ? source.length : close + 1;
        kept.push(source.slice(i, end));
        result.text += literal(source.slice(i, end));
        i = end;
      }
    } else {
      const next = source.slice(i).search(/[{}]/);
      const end = next < 0 ? source.length : i + Math.max(next, 1);
      result.text += literal(source.slice(i, end));
      i = end;
    }
  }
  if (kept.length > 0) warnings.push(`${where}: kept as plain text, no xR2 equivalent: ${[...new Set(kept)].join(", ")}`);
  return result;
}

const JINJA = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}|\{#[\s\S]*?#\}/g;
/** Jinja2 tags with a body up to their end tag: an unsupported one is kept as text with its whole body. */
const BLOCK_TAGS = new Set(["for", "if", "macro", "call", "filter", "block", "with", "raw", "set"]);

/** The end of the block a `{% word … %}` at `start` opens (after its `{% endword %}`), or -1. */
function blockEnd(source: string, start: number, word: string): number {
  const tags = new RegExp(`\\{%[-+]?\\s*(${word}|end${word})\\b[\\s\\S]*?%\\}`, "g");
  tags.lastIndex = start;
  let depth = 0;
  for (let tag = tags.exec(source); tag; tag = tags.exec(source)) {
    depth += tag[1] === word ? 1 : -1;
    if (depth === 0) return tag.index + tag[0].length;
  }
  return -1;
}

/** Jinja2's variables and simple ifs; with `tags: false`, every {% %} stays text. */
export function convertJinja(source: string, where: string, warnings: string[], tags = true): ConvertedTemplate {
  const result: ConvertedTemplate = { text: "", substituted: new Set(), tested: new Set() };
  const kept: string[] = [];
  let trimmed = false;
  let last = 0;
  const strip = (inner: string) => {
    if (/^[-+]|[-+]$/.test(inner)) trimmed = true;
    return inner.replace(/^[-+]/, "").replace(/[-+]$/, "").trim();
  };
  const scanner = new RegExp(JINJA.source, "g");
  for (let match = scanner.exec(source); match; match = scanner.exec(source)) {
    result.text += literal(source.slice(last, match.index));
    last = match.index + match[0].length;
    const [whole, expression, statement] = match;
    if (expression !== undefined) {
      const name = strip(expression);
      if (isIdentifier(name)) {
        result.text += `{${name}}`;
        result.substituted.add(name);
      } else {
        kept.push(whole);
        result.text += literal(whole);
      }
    } else if (statement !== undefined) {
      const tag = strip(statement);
      const condition = /^if\s+(not\s+)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(tag);
      const word = /^[a-z]+/.exec(tag)?.[0] ?? "";
      const end = BLOCK_TAGS.has(word) && !(word === "set" && tag.includes("=")) ? blockEnd(source, match.index, word) : -1;
      if (tags && condition) {
        result.text += `{% if ${condition[1] ? "not " : ""}${condition[2]} %}`;
        result.tested.add(condition[2]!);
      } else if (tags && (tag === "else" || tag === "endif")) {
        result.text += `{% ${tag} %}`;
      } else if (tags && end > 0) {
        // A loop, a complex if, a macro…: the whole block stays text, its variables included.
        kept.push(`${whole}…{% end${word} %}`);
        result.text += literal(source.slice(match.index, end));
        last = scanner.lastIndex = end;
      } else {
        kept.push(whole);
        result.text += literal(whole);
      }
    }
    // {# comments #} render as nothing in Jinja2, and so here.
  }
  result.text += literal(source.slice(last));
  if (kept.length > 0) warnings.push(`${where}: kept as plain text, no xR2 equivalent: ${[...new Set(kept)].join(", ")}`);
  if (trimmed) warnings.push(`${where}: Jinja2 whitespace control ({%- -%}) is not applied; the whitespace around those tags is kept`);
  return checkedTemplate(result, () => convertJinja(source, where, [], false), where, warnings);
}

function convertTemplate(source: string, format: unknown, where: string, warnings: string[]): ConvertedTemplate {
  if (format === "jinja2") return convertJinja(source, where, warnings);
  if (format !== undefined && format !== null && format !== "f-string") warnings.push(`${where}: unknown template_format ${JSON.stringify(format)}; read as f-string`);
  return convertFString(source, where, warnings);
}

/** The text of a content list; other parts (images, media) are reported. */
function textOf(content: unknown, where: string, warnings: string[]): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  const others: string[] = [];
  for (const part of content) {
    if (isRecord(part) && part.type === "text" && typeof part.text === "string") texts.push(part.text);
    else others.push(isRecord(part) && typeof part.type === "string" ? part.type : "unknown");
  }
  if (others.length > 0) warnings.push(`${where}: content parts not imported (xR2 prompts are text): ${others.join(", ")}`);
  return texts.join("");
}

/** The templates in a PromptLayer export, or a readable error. */
function templateObjects(data: unknown): Record<string, unknown>[] {
  let items: unknown[];
  if (Array.isArray(data)) items = data;
  else if (isRecord(data) && "prompt_template" in data) items = [data];
  else if (isRecord(data) && Array.isArray(data.items)) items = data.items;
  else throw new Error('The file is not a PromptLayer export: expected a prompt template ({ "prompt_name", "prompt_template", "metadata", … }, as POST /prompt-templates/{identifier} returns) or a list of them');
  return items.map((item, index) => {
    if (!isRecord(item) || typeof item.prompt_name !== "string" || item.prompt_name.trim() === "" || !isRecord(item.prompt_template)) {
      throw new Error(`The file is not a PromptLayer export: entry ${index + 1} is not a prompt template with a "prompt_name" and a "prompt_template" object`);
    }
    return item;
  });
}

const ROLES = new Set(["system", "user", "assistant"]);

function modelConfig(item: Record<string, unknown>, where: string, warnings: string[]): Record<string, unknown> {
  const metadata = isRecord(item.metadata) ? item.metadata : {};
  const others = Object.keys(metadata).filter((key) => key !== "model");
  if (others.length > 0) warnings.push(`${where}: metadata not imported: ${others.join(", ")}`);
  const model = isRecord(metadata.model) ? metadata.model : {};
  const settings: Record<string, unknown> = { ...(isRecord(model.parameters) ? model.parameters : {}) };
  // The providers' own names of the common settings.
  for (const [from, to] of [["max_completion_tokens", "max_tokens"], ["max_output_tokens", "max_tokens"], ["maxOutputTokens", "max_tokens"], ["topP", "top_p"]] as const) {
    if (from in settings && !(to in settings)) settings[to] = settings[from];
    if (from in settings) delete settings[from];
  }
  if (typeof model.provider === "string") settings.provider = model.provider;
  if (typeof model.name === "string") settings.model = model.name;
  return modelConfigFrom(settings, where, warnings);
}

function versionFrom(item: Record<string, unknown>, warnings: string[]): ImportedVersion | undefined {
  const versionNumber = Number.isInteger(item.version) ? (item.version as number) : undefined;
  const where = `promptlayer prompt ${JSON.stringify(item.prompt_name)}${versionNumber === undefined ? "" : ` version ${versionNumber}`}`;
  const template = item.prompt_template as Record<string, unknown>;
  const declared = new Set<string>();
  const declare = (names: unknown) => Array.isArray(names) && names.forEach((name) => typeof name === "string" && declared.add(name));
  declare(template.input_variables);
  let body: ImportedVersion["body"];
  if (template.type === "chat" || Array.isArray(template.messages)) {
    const messages: Array<{ role: Role; content: ConvertedTemplate }> = [];
    (Array.isArray(template.messages) ? template.messages : []).forEach((message, index) => {
      const at = `${where} message ${index + 1}`;
      if (!isRecord(message)) return warnings.push(`${at}: not a message; not imported`);
      let role = String(message.role);
      if (role === "developer") {
        warnings.push(`${at}: the role "developer" became "system"`);
        role = "system";
      } else if (!ROLES.has(role)) {
        return warnings.push(`${at}: the role ${JSON.stringify(message.role)} has no xR2 equivalent (system, user, assistant); not imported`);
      }
      if (typeof message.name === "string" && message.name !== "") warnings.push(`${at}: the message name ${JSON.stringify(message.name)} was not imported`);
      const text = textOf(message.content, at, warnings);
      if (text === undefined) return warnings.push(`${at}: no text content; not imported`);
      declare(message.input_variables);
      messages.push({ role: role as Role, content: convertTemplate(text, message.template_format ?? template.template_format, at, warnings) });
    });
    for (const key of ["tools", "functions"]) {
      if (Array.isArray(template[key]) && (template[key] as unknown[]).length > 0) warnings.push(`${where}: ${key} were not imported (${(template[key] as unknown[]).length})`);
    }
    if (messages.length === 0) {
      warnings.push(`${where}: no message could be imported; this version was skipped`);
      return undefined;
    }
    body = { kind: "chat", messages };
  } else {
    if (template.type !== "completion") warnings.push(`${where}: unknown template type ${JSON.stringify(template.type)}; read as a completion template`);
    const text = textOf(template.content, where, warnings);
    if (text === undefined) {
      warnings.push(`${where}: no text content; this version was skipped`);
      return undefined;
    }
    body = { kind: "text", content: convertTemplate(text, template.template_format, where, warnings) };
  }
  return {
    label: where,
    ...(versionNumber === undefined ? {} : { versionNumber }),
    body,
    declaredVariables: [...declared],
    modelConfig: modelConfig(item, where, warnings),
    ...(typeof item.commit_message === "string" ? { changelog: item.commit_message } : {}),
  };
}

export function convertPromptLayer(text: string): { document: { xr2_export: 1; prompts: unknown[] }; warnings: string[] } {
  const warnings: string[] = [];
  const byName = new Map<string, Record<string, unknown>[]>();
  for (const item of templateObjects(parseJson("PromptLayer", text))) {
    byName.set(item.prompt_name as string, [...(byName.get(item.prompt_name as string) ?? []), item]);
  }
  const prompts: ImportedPrompt[] = [];
  for (const [name, items] of byName) {
    items.sort((a, b) => (Number(a.version) || 0) - (Number(b.version) || 0));
    const versions = items.flatMap((item) => versionFrom(item, warnings) ?? []);
    if (versions.length === 0) {
      warnings.push(`promptlayer prompt ${JSON.stringify(name)}: no version could be imported; the prompt was skipped`);
      continue;
    }
    const tags = items.flatMap((item) => (Array.isArray(item.tags) ? item.tags.filter((tag): tag is string => typeof tag === "string") : []));
    prompts.push({ name, tags, versions });
  }
  return { document: portableDocument("PromptLayer", prompts, warnings), warnings };
}
