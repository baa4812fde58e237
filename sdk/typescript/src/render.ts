/**
 * Local rendering and assignment with the edge's own code: the template engine and the sticky
 * hash are imported from workers/shared and bundled into the SDK, never copied, so an answer
 * rendered here equals the edge's for the same version, values and unit. The version is chosen by
 * the edge's own rule; rendering mirrors workers/edge/src/services/render-prompt.ts: compile once per version
 * (bounded cache), coerce the values, render text or chat. The engine's errors are passed on as the
 * public TemplateError type without a cast, so the compiler notices if the two ever drift apart.
 */
import { chooseVersion as chooseServedVersion, type ChosenVersion } from "../../../workers/shared/src/assignment.ts";
import {
  coerceVariables,
  compileMessages,
  compileTemplate,
  renderMessages,
  renderTemplate,
  type CompiledMessage,
  type CompiledTemplate,
} from "../../../workers/shared/src/template/engine.ts";
import { TemplateRenderError } from "./errors.js";
import type { ChatMessage, PromptDocument, PromptVersion, VariableDefinition, VariableValue } from "./types.js";

/** `at`: the published_at of the document it was compiled from (a republish serves new text for the same version). */
type Compiled = ({ template: CompiledTemplate } | { messages: CompiledMessage[] }) & { at?: string | undefined };

const MAX_COMPILED = 500;

export type Chosen = ChosenVersion<PromptVersion>;

/** No unit id: the published version and no variant, as the edge does. */
export function chooseVersion(document: PromptDocument, unitId: string | undefined): Chosen {
  return chooseServedVersion(document, unitId);
}

/** What a render needs: a cache key, then the template and its variables. */
export interface Renderable {
  kind: "text" | "chat";
  content: string | null;
  messages: ChatMessage[] | null;
  variables: VariableDefinition[];
}

export class Renderer {
  private readonly compiled = new Map<string, Compiled>();

  render(
    slug: string,
    key: string,
    source: Renderable,
    raw: Record<string, VariableValue>,
    at?: string,
  ): { content: string | null; messages: ChatMessage[] | null } {
    const template = this.compile(slug, key, source, at);
    const coerced = coerceVariables(raw, source.variables);
    const rendered = !coerced.ok
      ? coerced
      : "messages" in template
        ? renderMessages(template.messages, coerced.values, source.variables)
        : renderTemplate(template.template, coerced.values, source.variables);
    if (!rendered.ok) throw new TemplateRenderError(slug, "VALIDATION_FAILED", rendered.errors);
    return "messages" in rendered ? { content: null, messages: rendered.messages } : { content: rendered.text, messages: null };
  }

  private compile(slug: string, key: string, source: Renderable, at: string | undefined): Compiled {
    const cached = this.compiled.get(key);
    if (cached && cached.at === at) return cached;
    const compiled = source.kind === "chat" ? compileMessages(source.messages ?? []) : compileTemplate(source.content ?? "");
    if (!compiled.ok) throw new TemplateRenderError(slug, "TEMPLATE_INVALID", compiled.errors);
    const result: Compiled = { ...compiled, at };
    if (this.compiled.size >= MAX_COMPILED) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(key, result);
    return result;
  }
}
