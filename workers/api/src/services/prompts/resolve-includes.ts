/**
 * Snippets (`{% include "slug" %}`): resolved when the including version is deployed. The rule:
 * an include inlines the version of the snippet that the SAME environment serves at that moment
 * (publishing to staging uses the snippet's staging version), recursively, so the projection in
 * KV holds one finished template and the edge still reads one entry per get-prompt. The inlined
 * versions are pinned on the deployment row; a snippet changed later reaches its dependents only
 * when they are deployed again (see dependents and republish).
 *
 * Refused, naming the slug: an include of a prompt the workspace does not have (or has archived),
 * of a chat prompt (only text prompts are snippets), of a snippet with nothing published in the
 * environment (409), a cycle (naming it: a → b → a), nesting deeper than INCLUDE_LIMITS.depth, and
 * a finished text longer than TEMPLATE_LIMITS.sourceChars (for chat: all messages together, as the
 * messages schema counts) — counted while inlining, so 20 includes × 3 levels stop early instead of
 * growing in memory. The finished text is compiled again before it is deployed: joining a snippet to
 * the text around it can make a new tag (a snippet ending in "{%").
 *
 * Depth: a snippet resolved once is reused (`done`) with its height (levels of snippets below and
 * including it), and chain length + height is checked on every use, so the result does not depend on
 * the order of the includes.
 */
import { and, eq, inArray } from "drizzle-orm";
import { environments, prompts, promptVersions, type ChatMessage, type IncludePin, type PromptVariable, type ResolvedBody } from "@xr2/db/schema";
import { ApiError, compileMessages, compileTemplate, INCLUDE_LIMITS, inlineIncludes, TEMPLATE_LIMITS, type CompiledTemplate, type Environment } from "@xr2/shared";
import type { Transaction } from "../../context.ts";

interface VersionBody {
  content: string | null;
  messages: ChatMessage[] | null;
  variables: PromptVariable[];
}

interface Resolved {
  source: string;
  variables: PromptVariable[];
  /** Levels of snippets from this one down: 1 for a snippet that includes nothing. */
  height: number;
}

/** The include tags of a version's text(s); templates that do not compile have none here. */
export function includedSlugs(body: { content?: string | null | undefined; messages?: readonly ChatMessage[] | null | undefined }): string[] {
  const sources = body.messages ? body.messages.map((message) => message.content) : [body.content ?? ""];
  const slugs = new Set<string>();
  for (const source of sources) {
    const compiled = compileTemplate(source);
    if (compiled.ok) for (const include of compiled.template.includes) slugs.add(include.slug);
  }
  return [...slugs];
}

/**
 * Save-time check of a version's includes: each must name another prompt of the workspace.
 * (Whether it is published, and cycles, are checked on publish, against the environment.)
 */
export async function checkIncludedSlugs(tx: Transaction, input: { workspaceId: string; promptId: string; body: { content?: string | null | undefined; messages?: readonly ChatMessage[] | null | undefined } }): Promise<void> {
  const slugs = includedSlugs(input.body);
  if (slugs.length === 0) return;
  const found = await tx
    .select({ id: prompts.id, slug: prompts.slug })
    .from(prompts)
    .where(and(eq(prompts.workspaceId, input.workspaceId), inArray(prompts.slug, slugs)));
  for (const slug of slugs) {
    const prompt = found.find((row) => row.slug === slug);
    if (!prompt) throw new ApiError("VALIDATION_FAILED", `{% include "${slug}" %}: there is no prompt with the slug "${slug}" in this workspace`);
    if (prompt.id === input.promptId) throw new ApiError("VALIDATION_FAILED", `{% include "${slug}" %}: a prompt cannot include itself`);
  }
}

/** The version's text with every include inlined, and the snippet versions used; `resolved` is null when it includes nothing. */
export async function resolveIncludes(
  tx: Transaction,
  input: { workspaceId: string; environment: Environment; promptId: string; body: VersionBody & { versionNumber?: number } },
): Promise<{ pins: IncludePin[]; resolved: ResolvedBody | null }> {
  const { body } = input;
  const sources = body.messages ? body.messages.map((message) => message.content) : [body.content ?? ""];
  const templates = sources.map((source) => compileTemplate(source)).flatMap((compiled) => (compiled.ok ? [compiled.template] : []));
  if (templates.length !== sources.length || templates.every((template) => template.includes.length === 0)) return { pins: [], resolved: null };

  const [including] = await tx.select({ slug: prompts.slug }).from(prompts).where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId))).limit(1);
  const pins = new Map<string, IncludePin>();
  const done = new Map<string, Resolved>();
  const variables = [...body.variables];
  const addVariables = (more: readonly PromptVariable[]) => {
    for (const variable of more) if (!variables.some((known) => known.name === variable.name)) variables.push(variable);
  };

  const rootSlug = including?.slug ?? input.promptId;
  // Characters of the finished text(s) so far, besides the text being built now.
  let finishedChars = 0;
  const tooLong = (chain: string[]) =>
    new ApiError("VALIDATION_FAILED", `Includes make ${chain.join(" → ")} longer than ${TEMPLATE_LIMITS.sourceChars} characters, the most a template may have; include less`);

  /** The template with its includes inlined, and its height (levels of snippets below it). */
  const resolveTemplate = async (template: CompiledTemplate, chain: string[]): Promise<{ text: string; height: number }> => {
    const inlined = new Map<string, string>();
    let height = 0;
    for (const { slug } of template.includes) {
      if (inlined.has(slug)) continue;
      if (chain.includes(slug)) throw new ApiError("VALIDATION_FAILED", `Include cycle: ${[...chain, slug].join(" → ")}; a snippet cannot include a prompt that includes it`);
      if (chain.length > INCLUDE_LIMITS.depth) {
        throw new ApiError("VALIDATION_FAILED", `Includes nest too deep: ${[...chain, slug].join(" → ")}; at most ${INCLUDE_LIMITS.depth} levels of snippets are allowed`);
      }
      let snippet = done.get(slug);
      if (!snippet) {
        const loaded = await loadSnippet(tx, { workspaceId: input.workspaceId, environment: input.environment, slug }, pins);
        const compiled = compileTemplate(loaded.source);
        if (!compiled.ok) throw new ApiError("VALIDATION_FAILED", `Snippet "${slug}"'s published template has errors`, { details: compiled.errors });
        const below = await resolveTemplate(compiled.template, [...chain, slug]);
        snippet = { source: below.text, variables: loaded.variables, height: below.height + 1 };
        done.set(slug, snippet);
      } else if (chain.length + snippet.height > INCLUDE_LIMITS.depth + 1) {
        // Reused from another branch: its levels below count here too.
        throw new ApiError("VALIDATION_FAILED", `Includes nest too deep: ${[...chain, slug].join(" → ")} → …; at most ${INCLUDE_LIMITS.depth} levels of snippets are allowed`);
      }
      if (snippet.source.length > TEMPLATE_LIMITS.sourceChars) throw tooLong([...chain, slug]);
      height = Math.max(height, snippet.height);
      addVariables(snippet.variables);
      inlined.set(slug, snippet.source);
    }
    // Counted before building: every tag's text, each time it occurs.
    let length = template.source.length;
    for (const include of template.includes) {
      length += (inlined.get(include.slug) ?? "").length - (include.end - include.offset);
      if (finishedChars + length > TEMPLATE_LIMITS.sourceChars) throw tooLong([...chain, include.slug]);
    }
    return { text: inlineIncludes(template, inlined), height };
  };

  const texts: string[] = [];
  for (const template of templates) {
    const { text } = await resolveTemplate(template, [rootSlug]);
    finishedChars += text.length;
    if (finishedChars > TEMPLATE_LIMITS.sourceChars) throw tooLong([rootSlug]);
    texts.push(text);
  }
  const resolved: ResolvedBody = {
    content: body.messages ? null : (texts[0] ?? ""),
    messages: body.messages ? body.messages.map((message, index) => ({ role: message.role, content: texts[index] ?? "" })) : null,
    variables,
  };
  // What the edge will compile: refused here, before anything is written, if it cannot.
  const compiled = resolved.messages ? compileMessages(resolved.messages) : compileTemplate(resolved.content ?? "");
  if (!compiled.ok) {
    const version = body.versionNumber === undefined ? "this version" : `version ${body.versionNumber}`;
    throw new ApiError("VALIDATION_FAILED", `With its snippets inlined, ${version}'s template has errors (a snippet's text joined to the text around it); change the snippet or the prompt`, { details: compiled.errors });
  }
  return { pins: [...pins.values()], resolved };
}

/** The snippet's text as the environment serves it, pinned in `pins`. */
async function loadSnippet(tx: Transaction, input: { workspaceId: string; environment: Environment; slug: string }, pins: Map<string, IncludePin>): Promise<Omit<Resolved, "height">> {
  const [prompt] = await tx
    .select({ id: prompts.id, status: prompts.status })
    .from(prompts)
    .where(and(eq(prompts.workspaceId, input.workspaceId), eq(prompts.slug, input.slug)))
    .limit(1);
  if (!prompt) throw new ApiError("VALIDATION_FAILED", `{% include "${input.slug}" %}: there is no prompt with the slug "${input.slug}" in this workspace`);
  if (prompt.status !== "active") throw new ApiError("CONFLICT", `{% include "${input.slug}" %}: that prompt is archived; unarchive it or remove the include`);
  const [served] = await tx
    .select({ version: promptVersions })
    .from(environments)
    .innerJoin(promptVersions, and(eq(promptVersions.id, environments.versionId), eq(promptVersions.promptId, environments.promptId)))
    .where(and(eq(environments.workspaceId, input.workspaceId), eq(environments.promptId, prompt.id), eq(environments.environment, input.environment)))
    .limit(1);
  if (!served) throw new ApiError("CONFLICT", `Snippet "${input.slug}" has nothing published in ${input.environment}; publish it to ${input.environment} first`);
  const version = served.version;
  if (version.kind !== "text") throw new ApiError("VALIDATION_FAILED", `{% include "${input.slug}" %}: "${input.slug}" is a chat prompt; only text prompts can be included`);
  pins.set(input.slug, { slug: input.slug, prompt_id: prompt.id, version_id: version.id, version: version.versionNumber });
  return { source: version.content ?? "", variables: version.variables };
}
