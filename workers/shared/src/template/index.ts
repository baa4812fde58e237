/**
 * The template engine of the API and the edge: ./engine.ts (its syntax is described there) plus
 *   {% include "slug" %}  the published text of another prompt of the workspace (a snippet),
 *                   inlined when the including version is published (see inlineIncludes); the
 *                   edge and the SDKs only ever see the resolved text. Unresolved, it renders "".
 * The SDKs bundle ./engine.ts alone: they never see an include tag.
 */
import {
  compileMessages as compileEngineMessages,
  compileTemplate as compileEngineTemplate,
  quote,
  type ChatMessage,
  type CompiledTemplate as EngineTemplate,
  type Failure,
  type TagHandler,
  type TemplateError,
} from "./engine.ts";

export {
  coerceVariables,
  renderMessages,
  renderTemplate,
  TEMPLATE_LIMITS,
  variablesUsed,
  type ChatMessage,
  type CompiledMessage,
  type MessageTemplateError,
  type TagHandler,
  type TemplateError,
  type TemplateNode,
  type VariableDefinition,
} from "./engine.ts";

/** Snippets: tags per template, and how deep includes may nest (a snippet's snippet is level 2). */
export const INCLUDE_LIMITS = { perTemplate: 20, depth: 3 } as const;

/** An `{% include "slug" %}` tag, from `offset` to `end` (exclusive) in the source. */
export interface IncludeTag {
  readonly slug: string;
  readonly offset: number;
  readonly end: number;
}

export interface CompiledTemplate extends EngineTemplate {
  /** Every `{% include %}` tag, in source order. */
  readonly includes: readonly IncludeTag[];
}

const INCLUDE = /^include\s+"([A-Za-z0-9][A-Za-z0-9_.-]{0,127})"$/;

/** A handler that accepts include tags, collecting them into `includes`. */
function includeTags(includes: IncludeTag[]): TagHandler {
  return (tag, offset, end) => {
    if (!/^include(?:\s|$)/.test(tag)) return undefined;
    const match = INCLUDE.exec(tag);
    if (!match) return { code: "syntax", message: `malformed tag ${quote(tag)}: expected {% include "slug" %} with a prompt's slug in double quotes` };
    if (includes.length === INCLUDE_LIMITS.perTemplate) return { code: "limit_exceeded", message: `a template may include at most ${INCLUDE_LIMITS.perTemplate} snippets` };
    includes.push({ slug: match[1]!, offset, end });
    return null;
  };
}

export function compileTemplate(source: string): { ok: true; template: CompiledTemplate } | Failure<TemplateError> {
  const includes: IncludeTag[] = [];
  const result = compileEngineTemplate(source, includeTags(includes));
  return result.ok ? { ok: true, template: { ...result.template, includes } } : result;
}

export function compileMessages(messages: readonly ChatMessage[]): ReturnType<typeof compileEngineMessages> {
  return compileEngineMessages(messages, () => includeTags([]));
}

/**
 * The source with each include tag replaced by its snippet's (already resolved) source, so the
 * result is one template: the snippet's variables and ifs work as if they had been typed there.
 */
export function inlineIncludes(template: CompiledTemplate, sources: ReadonlyMap<string, string>): string {
  let text = "";
  let from = 0;
  for (const include of template.includes) {
    text += template.source.slice(from, include.offset) + (sources.get(include.slug) ?? "");
    from = include.end;
  }
  return text + template.source.slice(from);
}
