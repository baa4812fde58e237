/**
 * Langfuse prompts → xR2. Langfuse has no bulk export file; what its API and SDKs hand out is the
 * prompt object of GET /api/public/v2/prompts/{name} (langfuse.com/docs/prompt-management/data-model):
 *   { name, version, type: "text" | "chat", prompt, config, labels, tags, commitMessage? }
 * with `prompt` a string for text prompts and, for chat prompts, a list of { role, content }
 * messages (optionally `type: "chatmessage"`) and `{ type: "placeholder", name }` entries.
 * Accepted: one such object, a list of them (several versions of a prompt become its versions),
 * or either wrapped as { data: [...] } or { prompts: [...] }. The list of GET /api/public/v2/prompts
 * carries no prompt text and is refused with a hint.
 *
 * Variables are `{{name}}` (mustache-like, spaces allowed inside the braces): they become `{name}`.
 * Sections `{{#name}}…{{/name}}` and `{{^name}}…{{/name}}` become `{% if name %}` / `{% if not
 * name %}` (with a warning: a list is not iterated); everything else is kept as text and reported.
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

const MUSTACHE = /\{\{([\s\S]*?)\}\}/g;

/** Converts Langfuse's `{{variable}}` syntax to ours; with `sections: false`, sections stay text. */
export function convertLangfuseTemplate(source: string, where: string, warnings: string[], sections = true): ConvertedTemplate {
  const result: ConvertedTemplate = { text: "", substituted: new Set(), tested: new Set() };
  const open: string[] = [];
  const kept: string[] = [];
  let last = 0;
  for (const match of source.matchAll(MUSTACHE)) {
    let whole = match[0];
    let inner = match[1]!.trim();
    // Triple braces, {{{name}}}: unescaped output, which is all our engine does.
    if (inner.startsWith("{") && source[match.index + whole.length] === "}") {
      whole += "}";
      inner = inner.slice(1).trim();
    }
    result.text += literal(source.slice(last, match.index));
    last = match.index + whole.length;
    const section = /^([#^/])\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner);
    if (isIdentifier(inner)) {
      result.text += `{${inner}}`;
      result.substituted.add(inner);
    } else if (section && sections) {
      const [, sign, name] = section as unknown as [string, string, string];
      if (sign === "/") {
        if (open.at(-1) === name) {
          open.pop();
          result.text += "{% endif %}";
        } else {
          kept.push(whole);
          result.text += literal(whole);
        }
      } else {
        open.push(name);
        result.text += sign === "#" ? `{% if ${name} %}` : `{% if not ${name} %}`;
        result.tested.add(name);
        warnings.push(`${where}: the section ${whole} became {% if${sign === "^" ? " not" : ""} ${name} %} (a list value is not iterated)`);
      }
    } else if (/^[A-Za-z0-9_][\w.-]*$/.test(inner) && inner.length <= 63) {
      // Langfuse allows names xR2 does not (user-name, user.name): renamed, and said so.
      const name = (/^[0-9]/.test(inner) ? "_" : "") + inner.replaceAll(/[^A-Za-z0-9_]/g, "_");
      result.text += `{${name}}`;
      result.substituted.add(name);
      warnings.push(`${where}: the variable ${JSON.stringify(inner)} was renamed ${name}`);
    } else {
      kept.push(whole);
      result.text += literal(whole);
    }
  }
  result.text += literal(source.slice(last));
  if (kept.length > 0) warnings.push(`${where}: kept as plain text, no xR2 equivalent: ${[...new Set(kept)].join(", ")}`);
  if (/@@@langfusePrompt:/.test(source)) warnings.push(`${where}: references to other Langfuse prompts (@@@langfusePrompt:…@@@) are kept as plain text; xR2 does not compose prompts`);
  return checkedTemplate(result, () => convertLangfuseTemplate(source, where, [], false), where, warnings);
}

/** The prompt objects in a Langfuse export, or a readable error. */
function promptObjects(data: unknown): Record<string, unknown>[] {
  let items: unknown[];
  if (Array.isArray(data)) items = data;
  else if (isRecord(data) && "name" in data && "prompt" in data) items = [data];
  else if (isRecord(data) && Array.isArray(data.data)) items = data.data;
  else if (isRecord(data) && Array.isArray(data.prompts)) items = data.prompts;
  else throw new Error('The file is not a Langfuse export: expected a prompt object ({ "name", "type", "prompt", "version", … }, as GET /api/public/v2/prompts/{name} returns) or a list of them');
  return items.map((item, index) => {
    if (isRecord(item) && typeof item.name === "string" && !("prompt" in item) && Array.isArray(item.versions)) {
      throw new Error(`Entry ${index + 1} ("${item.name}") is from Langfuse's prompt list (GET /api/public/v2/prompts), which holds no prompt text: export each version with GET /api/public/v2/prompts/{name}?version=N`);
    }
    if (!isRecord(item) || typeof item.name !== "string" || item.name.trim() === "" || (typeof item.prompt !== "string" && !Array.isArray(item.prompt))) {
      throw new Error(`The file is not a Langfuse export: entry ${index + 1} is not a prompt object with a "name" and a "prompt" (text or a list of chat messages)`);
    }
    return item;
  });
}

const ROLES = new Set(["system", "user", "assistant"]);

function versionFrom(item: Record<string, unknown>, warnings: string[]): ImportedVersion | undefined {
  const versionNumber = Number.isInteger(item.version) ? (item.version as number) : undefined;
  const where = `langfuse prompt ${JSON.stringify(item.name)}${versionNumber === undefined ? "" : ` version ${versionNumber}`}`;
  let body: ImportedVersion["body"];
  if (typeof item.prompt === "string") {
    if (item.type === "chat") warnings.push(`${where}: type "chat" with a text prompt; imported as a text prompt`);
    body = { kind: "text", content: convertLangfuseTemplate(item.prompt, where, warnings) };
  } else {
    const messages: Array<{ role: Role; content: ConvertedTemplate }> = [];
    (item.prompt as unknown[]).forEach((message, index) => {
      const at = `${where} message ${index + 1}`;
      if (isRecord(message) && message.type === "placeholder") {
        warnings.push(`${at}: the message placeholder ${JSON.stringify(message.name)} was not imported (xR2 chat prompts have no message-list variables)`);
        return;
      }
      if (!isRecord(message) || typeof message.content !== "string") {
        warnings.push(`${at}: not a message with text content; not imported`);
        return;
      }
      let role = String(message.role);
      if (role === "developer") {
        warnings.push(`${at}: the role "developer" became "system"`);
        role = "system";
      } else if (!ROLES.has(role)) {
        warnings.push(`${at}: the role ${JSON.stringify(message.role)} has no xR2 equivalent (system, user, assistant); not imported`);
        return;
      }
      messages.push({ role: role as Role, content: convertLangfuseTemplate(message.content, at, warnings) });
    });
    if (messages.length === 0) {
      warnings.push(`${where}: no message could be imported; this version was skipped`);
      return undefined;
    }
    body = { kind: "chat", messages };
  }
  const labels = Array.isArray(item.labels) ? item.labels.filter((label) => label !== "latest") : [];
  if (labels.length > 0) warnings.push(`${where}: the labels ${labels.map((label) => JSON.stringify(label)).join(", ")} were not applied: imported versions are drafts (publish them in xR2)`);
  const config = isRecord(item.config) ? { ...item.config } : {};
  if (item.config !== undefined && item.config !== null && !isRecord(item.config)) warnings.push(`${where}: the config is not an object; not imported`);
  // The SDKs' camelCase spellings of the common settings.
  for (const [from, to] of [["maxTokens", "max_tokens"], ["topP", "top_p"]] as const) {
    if (from in config && !(to in config)) {
      config[to] = config[from];
      delete config[from];
    }
  }
  return {
    label: where,
    ...(versionNumber === undefined ? {} : { versionNumber }),
    body,
    modelConfig: modelConfigFrom(config, where, warnings),
    ...(typeof item.commitMessage === "string" ? { changelog: item.commitMessage } : {}),
  };
}

export function convertLangfuse(text: string): { document: { xr2_export: 1; prompts: unknown[] }; warnings: string[] } {
  const warnings: string[] = [];
  const byName = new Map<string, { items: Record<string, unknown>[] }>();
  for (const item of promptObjects(parseJson("Langfuse", text))) {
    const entry = byName.get(item.name as string) ?? { items: [] };
    entry.items.push(item);
    byName.set(item.name as string, entry);
  }
  const prompts: ImportedPrompt[] = [];
  for (const [name, { items }] of byName) {
    items.sort((a, b) => (Number(a.version) || 0) - (Number(b.version) || 0));
    const versions = items.flatMap((item) => versionFrom(item, warnings) ?? []);
    if (versions.length === 0) {
      warnings.push(`langfuse prompt ${JSON.stringify(name)}: no version could be imported; the prompt was skipped`);
      continue;
    }
    const tags = items.flatMap((item) => (Array.isArray(item.tags) ? item.tags.filter((tag): tag is string => typeof tag === "string") : []));
    prompts.push({ name, tags, versions });
  }
  return { document: portableDocument("Langfuse", prompts, warnings), warnings };
}
