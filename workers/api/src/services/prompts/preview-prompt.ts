/**
 * Preview (P5): renders a stored version, or the editor's unsaved template, with sample values,
 * through the same engine the edge uses. Problems come back as a list the editor can show inline
 * (each naming its variable and position), not as an HTTP error.
 */
import {
  coerceVariables,
  compileMessages,
  compileTemplate,
  renderMessages,
  renderTemplate,
  variablesUsed,
  type ChatMessage,
  type MessageTemplateError,
  type TemplateError,
  type VariableDefinition,
} from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { getPrompt } from "./get-prompt.ts";
import { getVersion } from "../versions/get-version.ts";

type Values = Record<string, string | number | boolean>;

export interface PreviewInput {
  workspaceId: string;
  promptId: string;
  versionId?: string | undefined;
  content?: string | undefined;
  messages?: ChatMessage[] | undefined;
  variables?: VariableDefinition[] | undefined;
  values: Values;
}

export type PreviewResult =
  | { ok: true; content: string | null; messages: ChatMessage[] | null; values: Values; variables_used: string[] }
  | { ok: false; errors: Array<TemplateError | MessageTemplateError>; variables_used: string[] };

export async function previewPrompt({ ctx, input }: { ctx: ServiceContext; input: PreviewInput }): Promise<PreviewResult> {
  // The prompt must be this workspace's either way (404 otherwise).
  await getPrompt({ ctx, input: { workspaceId: input.workspaceId, promptId: input.promptId } });
  let source: { content: string | null; messages: ChatMessage[] | null; variables: VariableDefinition[] };
  if (input.versionId) {
    const version = await getVersion({ ctx, input: { workspaceId: input.workspaceId, promptId: input.promptId, versionId: input.versionId } });
    source = { content: version.content ?? null, messages: version.messages ?? null, variables: input.variables ?? version.variables };
  } else {
    source = { content: input.content ?? null, messages: input.messages ?? null, variables: input.variables ?? [] };
  }

  if (source.messages) {
    const compiled = compileMessages(source.messages);
    if (!compiled.ok) return { ok: false, errors: compiled.errors, variables_used: [] };
    const used = [...new Set(compiled.messages.flatMap((message) => variablesUsed(message.template)))];
    const coerced = coerceVariables(input.values, source.variables);
    if (!coerced.ok) return { ok: false, errors: coerced.errors, variables_used: used };
    const rendered = renderMessages(compiled.messages, coerced.values, source.variables);
    if (!rendered.ok) return { ok: false, errors: rendered.errors, variables_used: used };
    return { ok: true, content: null, messages: rendered.messages, values: coerced.values, variables_used: used };
  }
  const compiled = compileTemplate(source.content ?? "");
  if (!compiled.ok) return { ok: false, errors: compiled.errors, variables_used: [] };
  const used = variablesUsed(compiled.template);
  const coerced = coerceVariables(input.values, source.variables);
  if (!coerced.ok) return { ok: false, errors: coerced.errors, variables_used: used };
  const rendered = renderTemplate(compiled.template, coerced.values, source.variables);
  if (!rendered.ok) return { ok: false, errors: rendered.errors, variables_used: used };
  return { ok: true, content: rendered.text, messages: null, values: coerced.values, variables_used: used };
}
