/**
 * The text an exposure was answered with, re-rendered from its version and the values the edge
 * kept (exposures.variables). Templates are deterministic, so the same version and values give
 * the same text the edge sent; the edge does not store the text itself (it can be large, and the
 * version and values already determine it). Says why when it cannot: values not kept (an SDK's
 * report, an older exposure, values too large), the version deleted, or the answer refused.
 */
import { coerceVariables, compileMessages, compileTemplate, renderMessages, renderTemplate } from "@xr2/shared";
import type { ChatMessage, PromptVariable } from "@xr2/db/schema";

export type RenderedStatus = "re_rendered" | "values_not_recorded" | "version_deleted" | "refused" | "not_renderable";

export interface RenderedAnswer {
  status: RenderedStatus;
  content: string | null;
  messages: ChatMessage[] | null;
}

export interface RenderableVersion {
  kind: "text" | "chat";
  content: string | null;
  messages: ChatMessage[] | null;
  variables: PromptVariable[];
}

const none = (status: RenderedStatus): RenderedAnswer => ({ status, content: null, messages: null });

export function renderExposure(exposure: { status: "success" | "error"; variables: Record<string, string | number | boolean> | null }, version: RenderableVersion | null): RenderedAnswer {
  if (exposure.status === "error") return none("refused");
  if (exposure.variables === null) return none("values_not_recorded");
  if (!version) return none("version_deleted");
  const values = coerceVariables(exposure.variables, version.variables);
  if (!values.ok) return none("not_renderable");
  if (version.kind === "chat") {
    const compiled = compileMessages(version.messages ?? []);
    if (!compiled.ok) return none("not_renderable");
    const rendered = renderMessages(compiled.messages, values.values, version.variables);
    return rendered.ok ? { status: "re_rendered", content: null, messages: rendered.messages } : none("not_renderable");
  }
  const compiled = compileTemplate(version.content ?? "");
  if (!compiled.ok) return none("not_renderable");
  const rendered = renderTemplate(compiled.template, values.values, version.variables);
  return rendered.ok ? { status: "re_rendered", content: rendered.text, messages: null } : none("not_renderable");
}
