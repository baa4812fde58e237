/**
 * What changed between two versions of a prompt (P3): a line diff of the text, a diff of the
 * chat messages (matched as whole messages, then line by line inside a changed one), and the
 * variables and model settings added, removed or changed. Without `from`, the diff is against the
 * version before `to` — the "auto-generated diff against the previous version" — or against
 * nothing for a prompt's first version.
 */
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { deployments, environments, promptVersions, type IncludePin, type ChatMessage, type ModelConfig, type PromptVariable, type PromptVersion } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { includedSlugs } from "../prompts/resolve-includes.ts";
import { diffSequences, type DiffOp } from "./sequence-diff.ts";

export interface DiffLine {
  op: DiffOp;
  text: string;
}

export interface MessageDiff {
  /** `change`: the same position in the conversation with a different role or content. */
  op: DiffOp | "change";
  from_index: number | null;
  to_index: number | null;
  from_role: ChatMessage["role"] | null;
  to_role: ChatMessage["role"] | null;
  lines: DiffLine[];
}

export interface KeyedChanges<T> {
  added: T[];
  removed: T[];
  changed: Array<{ name: string; from: T; to: T }>;
}

export interface VersionBodyForDiff {
  content: string | null;
  messages: ChatMessage[] | null;
  variables: PromptVariable[];
  modelConfig: ModelConfig;
}

export async function diffVersions({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; promptId: string; toVersionId: string; fromVersionId?: string | undefined };
}) {
  const db = ctx.http();
  const find = async (versionId: string) => {
    const [row] = await db
      .select()
      .from(promptVersions)
      .where(and(eq(promptVersions.id, versionId), eq(promptVersions.promptId, input.promptId), eq(promptVersions.workspaceId, input.workspaceId)))
      .limit(1);
    if (!row) throw new ApiError("NOT_FOUND", `Version not found: ${versionId}`);
    return row;
  };
  const to = await find(input.toVersionId);
  let from: PromptVersion | null;
  if (input.fromVersionId !== undefined) from = await find(input.fromVersionId);
  else {
    const [previous] = await db
      .select()
      .from(promptVersions)
      .where(and(eq(promptVersions.promptId, input.promptId), eq(promptVersions.workspaceId, input.workspaceId), lt(promptVersions.versionNumber, to.versionNumber)))
      .orderBy(desc(promptVersions.versionNumber))
      .limit(1);
    from = previous ?? null;
  }
  // Snippets each side includes, and the snippet version pinned where an environment serves it.
  const served = await db
    .select({ versionId: environments.versionId, environment: environments.environment, includes: deployments.includes })
    .from(environments)
    .innerJoin(deployments, eq(deployments.id, environments.deploymentId))
    .where(and(eq(environments.workspaceId, input.workspaceId), eq(environments.promptId, input.promptId), inArray(environments.versionId, from ? [from.id, to.id] : [to.id])));
  const includesOf = (version: PromptVersion) =>
    includedSlugs(version).map((slug) => ({
      slug,
      pinned: served.flatMap((row) => {
        const pin = row.versionId === version.id ? (row.includes as IncludePin[]).find((candidate) => candidate.slug === slug) : undefined;
        return pin ? [{ environment: row.environment, version_id: pin.version_id, version: pin.version }] : [];
      }),
    }));
  return {
    includes: { from: from ? includesOf(from) : [], to: includesOf(to) },
    from: from && { id: from.id, version_number: from.versionNumber, kind: from.kind },
    to: { id: to.id, version_number: to.versionNumber, kind: to.kind },
    ...diffBodies(from ?? { content: null, messages: null, variables: [], modelConfig: {} }, to),
  };
}

/** The diff of two version bodies; a text and a chat version compare as "all text removed, all messages added". */
export function diffBodies(from: VersionBodyForDiff, to: VersionBodyForDiff) {
  return {
    content: diffLines(from.content ?? "", to.content ?? ""),
    messages: diffMessages(from.messages ?? [], to.messages ?? []),
    variables: diffByKey(
      new Map(from.variables.map((variable) => [variable.name, variable])),
      new Map(to.variables.map((variable) => [variable.name, variable])),
    ),
    model_config: diffSettings(from.modelConfig, to.modelConfig),
  };
}

function splitLines(text: string): string[] {
  return text === "" ? [] : text.split("\n");
}

export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  return diffSequences(a, b).map((step) => ({ op: step.op, text: step.op === "insert" ? b[step.b!]! : a[step.a!]! }));
}

export function diffMessages(before: ChatMessage[], after: ChatMessage[]): MessageDiff[] {
  const key = (message: ChatMessage) => `${message.role}\u0000${message.content}`;
  const steps = diffSequences(before.map(key), after.map(key));
  const result: MessageDiff[] = [];
  for (let i = 0; i < steps.length; ) {
    const step = steps[i]!;
    if (step.op === "equal") {
      const message = before[step.a!]!;
      result.push({ op: "equal", from_index: step.a!, to_index: step.b!, from_role: message.role, to_role: message.role, lines: diffLines(message.content, message.content) });
      i++;
      continue;
    }
    // A run of deletions and insertions between two equal messages: pair them up in order as
    // changed messages, so an edited message shows as a line diff rather than remove + add.
    const deleted: number[] = [];
    const inserted: number[] = [];
    for (; i < steps.length && steps[i]!.op !== "equal"; i++) {
      if (steps[i]!.op === "delete") deleted.push(steps[i]!.a!);
      else inserted.push(steps[i]!.b!);
    }
    for (let pair = 0; pair < Math.max(deleted.length, inserted.length); pair++) {
      const a = deleted[pair];
      const b = inserted[pair];
      const old = a === undefined ? undefined : before[a];
      const updated = b === undefined ? undefined : after[b];
      result.push({
        op: old && updated ? "change" : old ? "delete" : "insert",
        from_index: a ?? null,
        to_index: b ?? null,
        from_role: old?.role ?? null,
        to_role: updated?.role ?? null,
        lines: diffLines(old?.content ?? "", updated?.content ?? ""),
      });
    }
  }
  return result;
}

function diffByKey<T>(before: Map<string, T>, after: Map<string, T>): KeyedChanges<T> {
  const changes: KeyedChanges<T> = { added: [], removed: [], changed: [] };
  for (const [name, value] of before) {
    const next = after.get(name);
    if (next === undefined) changes.removed.push(value);
    else if (canonicalJson(value) !== canonicalJson(next)) changes.changed.push({ name, from: value, to: next });
  }
  for (const [name, value] of after) if (!before.has(name)) changes.added.push(value);
  return changes;
}

function diffSettings(before: ModelConfig, after: ModelConfig) {
  const differs = (key: string) => canonicalJson(before[key]) !== canonicalJson(after[key]);
  return {
    added: Object.fromEntries(Object.entries(after).filter(([key]) => !Object.hasOwn(before, key))),
    removed: Object.fromEntries(Object.entries(before).filter(([key]) => !Object.hasOwn(after, key))),
    changed: Object.fromEntries(
      Object.keys(before)
        .filter((key) => Object.hasOwn(after, key) && differs(key))
        .map((key) => [key, { from: before[key], to: after[key] }]),
    ),
  };
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}
