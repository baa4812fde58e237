/**
 * Preview (P5): renders a stored version, or the editor's unsaved template, with sample values,
 * through the same engine the edge uses. Problems come back as a list the editor can show inline
 * (each naming its variable and position), not as an HTTP error.
 *
 * Snippets are inlined as a deployment would inline them (resolve-includes.ts), from what the
 * chosen environment serves (production unless told), so the PM reads the whole text; the answer
 * names the snippet versions used. A snippet that cannot be inlined there (not published in that
 * environment, an unknown slug, a cycle) is a problem of code "include" with the deploy's message.
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
  ApiError,
  type Environment,
} from "@xr2/shared";
import type { IncludePin } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { getPrompt } from "./get-prompt.ts";
import { includedSlugs, resolveIncludes } from "./resolve-includes.ts";
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
  /** Where the snippets' text comes from; production by default. */
  environment?: Environment | undefined;
}

/** Present when the text includes snippets: the environment they were read from and the versions inlined. */
type Inlined = { environment: Environment; includes: Array<Pick<IncludePin, "slug" | "version">> };

export type PreviewResult =
  | ({ ok: true; content: string | null; messages: ChatMessage[] | null; values: Values; variables_used: string[] } & Partial<Inlined>)
  | { ok: false; errors: Array<TemplateError | MessageTemplateError | { code: "include"; message: string }>; variables_used: string[] };

type Source = { content: string | null; messages: ChatMessage[] | null; variables: VariableDefinition[] };

export async function previewPrompt({ ctx, input }: { ctx: ServiceContext; input: PreviewInput }): Promise<PreviewResult> {
  // The prompt must be this workspace's either way (404 otherwise).
  await getPrompt({ ctx, input: { workspaceId: input.workspaceId, promptId: input.promptId } });
  let source: Source;
  if (input.versionId) {
    const version = await getVersion({ ctx, input: { workspaceId: input.workspaceId, promptId: input.promptId, versionId: input.versionId } });
    source = { content: version.content ?? null, messages: version.messages ?? null, variables: input.variables ?? version.variables };
  } else {
    source = { content: input.content ?? null, messages: input.messages ?? null, variables: input.variables ?? [] };
  }
  // A cheap look for the word first: most previews include nothing, and compiling twice is not free.
  const texts = source.messages ? source.messages.map((message) => message.content) : [source.content ?? ""];
  if (!texts.some((text) => text.includes("include")) || includedSlugs(source).length === 0) return render(source, input.values);
  const environment = input.environment ?? "production";
  let inlined: { source: Source; includes: Inlined["includes"] };
  try {
    inlined = await inlineSnippets(ctx, { workspaceId: input.workspaceId, promptId: input.promptId, environment, source });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { ok: false, errors: [{ code: "include", message: error.message }], variables_used: [] };
  }
  const rendered = render(inlined.source, input.values);
  return rendered.ok ? { ...rendered, environment, includes: inlined.includes } : rendered;
}

/** The source with its snippets inlined from `environment`, read in one transaction as a deploy reads them. */
async function inlineSnippets(ctx: ServiceContext, input: { workspaceId: string; promptId: string; environment: Environment; source: Source }) {
  const { pins, resolved } = await ctx.db().transaction((tx) =>
    resolveIncludes(tx, { workspaceId: input.workspaceId, environment: input.environment, promptId: input.promptId, body: { content: input.source.content, messages: input.source.messages, variables: input.source.variables } }),
  );
  const source = resolved ? { content: resolved.content, messages: resolved.messages, variables: resolved.variables } : input.source;
  return { source, includes: pins.map((pin) => ({ slug: pin.slug, version: pin.version })) };
}

function render(source: Source, values: Values): PreviewResult {
  if (source.messages) {
    const compiled = compileMessages(source.messages);
    if (!compiled.ok) return { ok: false, errors: compiled.errors, variables_used: [] };
    const used = [...new Set(compiled.messages.flatMap((message) => variablesUsed(message.template)))];
    const coerced = coerceVariables(values, source.variables);
    if (!coerced.ok) return { ok: false, errors: coerced.errors, variables_used: used };
    const rendered = renderMessages(compiled.messages, coerced.values, source.variables);
    if (!rendered.ok) return { ok: false, errors: rendered.errors, variables_used: used };
    return { ok: true, content: null, messages: rendered.messages, values: coerced.values, variables_used: used };
  }
  const compiled = compileTemplate(source.content ?? "");
  if (!compiled.ok) return { ok: false, errors: compiled.errors, variables_used: [] };
  const used = variablesUsed(compiled.template);
  const coerced = coerceVariables(values, source.variables);
  if (!coerced.ok) return { ok: false, errors: coerced.errors, variables_used: used };
  const rendered = renderTemplate(compiled.template, coerced.values, source.variables);
  if (!rendered.ok) return { ok: false, errors: rendered.errors, variables_used: used };
  return { ok: true, content: rendered.text, messages: null, values: coerced.values, variables_used: used };
}
