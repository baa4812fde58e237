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
} from "../../../workers/shared/src/template/index.ts";
import { TemplateRenderError } from "./errors.js";
import type { ChatMessage, PromptDocument, PromptVersion, VariableDefinition, VariableValue } from "./types.js";

type Compiled = { template: CompiledTemplate } | { messages: CompiledMessage[] };

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
  ): { content: string | null; messages: ChatMessage[] | null } {
    const template = this.compile(slug, key, source);
    const coerced = coerceVariables(raw, source.variables);
    if (!coerced.ok) throw new TemplateRenderError(slug, "VALIDATION_FAILED", coerced.errors);
    if ("messages" in template) {
      const rendered = renderMessages(template.messages, coerced.values, source.variables);
      if (!rendered.ok) throw new TemplateRenderError(slug, "VALIDATION_FAILED", rendered.errors);
      return { content: null, messages: rendered.messages };
    }
    const rendered = renderTemplate(template.template, coerced.values, source.variables);
    if (!rendered.ok) throw new TemplateRenderError(slug, "VALIDATION_FAILED", rendered.errors);
    return { content: rendered.text, messages: null };
  }

  private compile(slug: string, key: string, source: Renderable): Compiled {
    const cached = this.compiled.get(key);
    if (cached) return cached;
    let result: Compiled;
    if (source.kind === "chat") {
      const messages = compileMessages(source.messages ?? []);
      if (!messages.ok) throw new TemplateRenderError(slug, "TEMPLATE_INVALID", messages.errors);
      result = { messages: messages.messages };
    } else {
      const template = compileTemplate(source.content ?? "");
      if (!template.ok) throw new TemplateRenderError(slug, "TEMPLATE_INVALID", template.errors);
      result = { template: template.template };
    }
    if (this.compiled.size >= MAX_COMPILED) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(key, result);
    return result;
  }
}
