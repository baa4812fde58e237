/**
 * Renders a served version (the published one or an experiment variant's) with the caller's values. Templates are compiled once per version
 * and kept in the isolate (a version never changes once published; the text served for it changes
 * only when a republish inlines a newer snippet, which is a new deployment with a new
 * `published_at`, so a cached tree is kept per version and deployment), so a request only pays for
 * coercing its values and walking the compiled template.
 */
import {
  ApiError,
  coerceVariables,
  compileMessages,
  compileTemplate,
  renderMessages,
  renderTemplate,
  type ChatMessage,
  type CompiledMessage,
  type CompiledTemplate,
  type MessageTemplateError,
  type ServedVersion,
  type TemplateError,
} from "@xr2/shared";

/** `at`: the published_at of the deployment the tree was compiled for. */
type Compiled = ({ kind: "text"; template: CompiledTemplate } | { kind: "chat"; messages: CompiledMessage[] }) & { at: string | undefined };

const MAX_COMPILED = 500;
const compiled = new Map<string, Compiled>();

function compile(prompt: ServedVersion, at: string | undefined): Compiled {
  const cached = compiled.get(prompt.version_id);
  if (cached && cached.at === at) return cached;
  let result: Compiled;
  if (prompt.kind === "chat") {
    const messages = compileMessages(prompt.messages ?? []);
    if (!messages.ok) throw templateBroken(messages.errors);
    result = { kind: "chat", messages: messages.messages, at };
  } else {
    const template = compileTemplate(prompt.content ?? "");
    if (!template.ok) throw templateBroken(template.errors);
    result = { kind: "text", template: template.template, at };
  }
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(prompt.version_id, result);
  return result;
}

export interface Rendered {
  content: string | null;
  messages: ChatMessage[] | null;
  values: Record<string, string | number | boolean>;
}

/** `publishedAt`: the served document's published_at (a republish changes the text of the same version). */
export function renderPrompt(prompt: ServedVersion, raw: Record<string, string | number | boolean>, publishedAt?: string): Rendered {
  const template = compile(prompt, publishedAt);
  const coerced = coerceVariables(raw, prompt.variables);
  if (!coerced.ok) throw invalidVariables(coerced.errors);
  if (template.kind === "chat") {
    const rendered = renderMessages(template.messages, coerced.values, prompt.variables);
    if (!rendered.ok) throw invalidVariables(rendered.errors);
    return { content: null, messages: rendered.messages, values: coerced.values };
  }
  const rendered = renderTemplate(template.template, coerced.values, prompt.variables);
  if (!rendered.ok) throw invalidVariables(rendered.errors);
  return { content: rendered.text, messages: null, values: coerced.values };
}

function invalidVariables(errors: Array<TemplateError | MessageTemplateError>): ApiError {
  const names = [...new Set(errors.map((error) => error.variable).filter(Boolean))];
  const message = names.length > 0 ? `${errors[0]!.message}${names.length > 1 ? ` (variables with problems: ${names.join(", ")})` : ""}` : (errors[0]?.message ?? "invalid variables");
  return new ApiError("VALIDATION_FAILED", message, { details: errors });
}

/** A published template that does not compile is our fault (publishing should have refused it). */
function templateBroken(errors: Array<TemplateError | MessageTemplateError>): ApiError {
  return new ApiError("INTERNAL", "The published version's template is invalid", { details: errors.slice(0, 5) });
}
