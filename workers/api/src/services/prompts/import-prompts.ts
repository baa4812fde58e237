/**
 * Imports a portable document (services/prompts/export-prompts.ts) into a workspace, in one
 * transaction: either every prompt lands or none does. A slug the workspace already has is
 * skipped, or with `new_versions` receives the document's versions after its own. Imported
 * versions are always drafts, whatever status they had where they came from: publishing stays an
 * explicit, reviewed step (and approvals, P4, cannot be bypassed by an import). Their include tags
 * are checked as saving a version checks them (checkIncludedSlugs), once every prompt of the
 * document is in, so a snippet listed after the prompt that includes it is found.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { prompts, promptTags, promptVersions, tags } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { checkIncludedSlugs } from "./resolve-includes.ts";
import { defaultTagColor, insertTags } from "../tags/create-tag.ts";
import { emitEvent, type WebhookEventFields } from "../webhooks/emit-event.ts";
import type { PortableDocument, PortablePrompt, PortableVersion } from "./export-prompts.ts";

export const CONFLICT_POLICIES = ["skip", "new_versions"] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

export interface ImportedVersion {
  id: string;
  version_number: number;
}

export interface ImportResult {
  slug: string;
  outcome: "created" | "skipped" | "versions_added";
  prompt_id: string;
  versions: ImportedVersion[];
}

export async function importPrompts({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; actorUserId: string; document: PortableDocument; onConflict: ConflictPolicy };
}): Promise<{ results: ImportResult[] }> {
  const { workspaceId, actorUserId } = input;
  return ctx.db().transaction(async (tx) => {
    const slugs = input.document.prompts.map((prompt) => prompt.slug);
    // Locked like createVersion does, so version numbers appended here cannot race another writer.
    const existing =
      slugs.length === 0
        ? []
        : await tx
            .select({ id: prompts.id, slug: prompts.slug, name: prompts.name, status: prompts.status })
            .from(prompts)
            .where(and(eq(prompts.workspaceId, workspaceId), inArray(prompts.slug, slugs)))
            .for("no key update");
    const bySlug = new Map(existing.map((row) => [row.slug, row]));
    const tagsByName = await ensureTagsByName(tx, ctx, {
      workspaceId,
      actorUserId,
      tags: input.document.prompts.filter((prompt) => !bySlug.has(prompt.slug)).flatMap((prompt) => prompt.tags ?? []),
    });

    const results: ImportResult[] = [];
    for (const prompt of input.document.prompts) {
      const found = bySlug.get(prompt.slug);
      if (!found) {
        const created = await insertPortablePrompt(tx, { workspaceId, actorUserId, prompt, tagsByName });
        await recordAudit(tx, ctx, { workspaceId, actorUserId, action: "prompt.import", targetType: "prompt", targetId: created.prompt_id, after: auditedImport(prompt, "created", created.versions) });
        await emitEvent(tx, ctx, { type: "prompt.created", workspaceId, actorUserId, data: promptCreatedFields(created.prompt_id, prompt, "imported", created.versions) });
        results.push({ slug: prompt.slug, outcome: "created", ...created });
      } else if (input.onConflict === "skip") {
        // Nothing changes, so nothing is audited.
        results.push({ slug: prompt.slug, outcome: "skipped", prompt_id: found.id, versions: [] });
      } else {
        if (found.status === "archived") throw new ApiError("CONFLICT", `The slug "${prompt.slug}" belongs to an archived prompt; unarchive it before adding versions, or import with on_conflict=skip`);
        const [latest] = await tx
          .select({ number: sql<number>`coalesce(max(${promptVersions.versionNumber}), 0)::int` })
          .from(promptVersions)
          .where(and(eq(promptVersions.workspaceId, workspaceId), eq(promptVersions.promptId, found.id)));
        const ordered = inDocumentOrder(prompt.versions ?? []);
        const base = latest?.number ?? 0;
        const versions = await insertVersions(tx, { workspaceId, promptId: found.id, actorUserId, versions: ordered.map((version, index) => ({ version, number: base + index + 1 })) });
        await tx.update(prompts).set({ updatedAt: new Date() }).where(and(eq(prompts.id, found.id), eq(prompts.workspaceId, workspaceId)));
        await recordAudit(tx, ctx, { workspaceId, actorUserId, action: "prompt.import", targetType: "prompt", targetId: found.id, after: auditedImport(prompt, "versions_added", versions) });
        // Appended versions are announced one by one, as if added by hand (a new prompt's come in its prompt.created).
        for (const [index, version] of versions.entries()) {
          const changelog = ordered[index]?.changelog ?? null;
          await emitEvent(tx, ctx, { type: "version.created", workspaceId, actorUserId, data: { prompt: { id: found.id, slug: found.slug, name: found.name }, version: { id: version.id, number: version.version_number, changelog }, origin: "imported" } });
        }
        results.push({ slug: prompt.slug, outcome: "versions_added", prompt_id: found.id, versions });
      }
    }
    await checkImportedIncludes(tx, { workspaceId, prompts: input.document.prompts, results });
    return { results };
  });
}

/** The include tags of the versions written (not of skipped prompts), checked against the workspace as it is now. */
export async function checkImportedIncludes(tx: Transaction, input: { workspaceId: string; prompts: readonly PortablePrompt[]; results: ReadonlyArray<Pick<ImportResult, "outcome" | "prompt_id">> }): Promise<void> {
  for (const [index, result] of input.results.entries()) {
    if (result.outcome === "skipped") continue;
    for (const version of input.prompts[index]?.versions ?? []) {
      await checkIncludedSlugs(tx, { workspaceId: input.workspaceId, promptId: result.prompt_id, body: version.messages === undefined ? { content: version.content ?? "" } : { messages: version.messages } });
    }
  }
}

/**
 * Versions in the order they were written: by version number when every version carries one,
 * else as listed.
 */
function inDocumentOrder(versions: PortableVersion[]): PortableVersion[] {
  return versions.every((version) => version.version_number !== undefined) ? versions.toSorted((a, b) => a.version_number! - b.version_number!) : versions;
}

/**
 * Inserts a new prompt with its tags and versions (as drafts). A new prompt keeps the document's
 * version numbers when every version has one (the schema makes them unique), so "v3" in a
 * changelog still means v3; otherwise they are numbered 1, 2, 3… in order. No audit row: the
 * caller records what the insertion was (an import, a copy).
 */
export async function insertPortablePrompt(
  tx: Transaction,
  input: { workspaceId: string; actorUserId: string; prompt: PortablePrompt; tagsByName: Map<string, string> },
): Promise<{ prompt_id: string; versions: ImportedVersion[] }> {
  const { workspaceId, actorUserId, prompt } = input;
  const promptId = newId("prompt");
  await tx.insert(prompts).values({ id: promptId, workspaceId, slug: prompt.slug, name: prompt.name, description: prompt.description ?? null, ownerId: actorUserId, createdById: actorUserId });
  const tagIds = [...new Set((prompt.tags ?? []).map((tag) => input.tagsByName.get(tag.name)))];
  if (tagIds.some((id) => id === undefined)) throw new ApiError("CONFLICT", "A tag was deleted meanwhile; try again");
  if (tagIds.length > 0) await tx.insert(promptTags).values(tagIds.map((tagId) => ({ workspaceId, promptId, tagId: tagId! })));
  const ordered = inDocumentOrder(prompt.versions ?? []);
  const numbered = ordered.every((version) => version.version_number !== undefined);
  const versions = await insertVersions(tx, { workspaceId, promptId, actorUserId, versions: ordered.map((version, index) => ({ version, number: numbered ? version.version_number! : index + 1 })) });
  return { prompt_id: promptId, versions };
}

async function insertVersions(
  tx: Transaction,
  input: { workspaceId: string; promptId: string; actorUserId: string; versions: Array<{ version: PortableVersion; number: number }> },
): Promise<ImportedVersion[]> {
  if (input.versions.length === 0) return [];
  const rows = await tx
    .insert(promptVersions)
    .values(
      input.versions.map(({ version, number }) => ({
        id: newId("version"),
        workspaceId: input.workspaceId,
        promptId: input.promptId,
        versionNumber: number,
        kind: version.messages === undefined ? ("text" as const) : ("chat" as const),
        content: version.messages === undefined ? (version.content ?? "") : null,
        messages: version.messages ?? null,
        variables: version.variables ?? [],
        modelConfig: version.model_config ?? {},
        changelog: version.changelog ?? null,
        status: "draft" as const,
        createdById: input.actorUserId,
      })),
    )
    .returning({ id: promptVersions.id, versionNumber: promptVersions.versionNumber });
  return rows.map((row) => ({ id: row.id, version_number: row.versionNumber })).toSorted((a, b) => a.version_number - b.version_number);
}

/**
 * The workspace's tags with these names, by name → id; missing ones are created with the given
 * colour (or the default one). Tags that exist keep their own colour.
 */
export async function ensureTagsByName(
  tx: Transaction,
  ctx: ServiceContext,
  input: { workspaceId: string; actorUserId: string; tags: Array<{ name: string; color?: string | undefined }> },
): Promise<Map<string, string>> {
  const wanted = new Map<string, string>();
  for (const tag of input.tags) if (!wanted.has(tag.name)) wanted.set(tag.name, (tag.color ?? defaultTagColor(tag.name)).toLowerCase());
  if (wanted.size === 0) return new Map();
  const find = async () =>
    new Map(
      (
        await tx
          .select({ id: tags.id, name: tags.name })
          .from(tags)
          .where(and(eq(tags.workspaceId, input.workspaceId), inArray(tags.name, [...wanted.keys()])))
      ).map((tag) => [tag.name, tag.id]),
    );
  const found = await find();
  const missing = [...wanted].filter(([name]) => !found.has(name)).map(([name, color]) => ({ name, color }));
  if (missing.length === 0) return found;
  await insertTags(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, tags: missing });
  // Re-read: a concurrent request may have created some of these names first.
  return find();
}

/** The payload of prompt.created for a prompt that arrived with versions (import, copy, move). */
export function promptCreatedFields(promptId: string, prompt: Pick<PortablePrompt, "slug" | "name">, origin: "imported" | "copied" | "moved", versions: ImportedVersion[]): WebhookEventFields<"prompt.created"> {
  return { prompt: { id: promptId, slug: prompt.slug, name: prompt.name }, origin, versions: versions.map((version) => ({ id: version.id, number: version.version_number })) };
}

function auditedImport(prompt: PortablePrompt, outcome: ImportResult["outcome"], versions: ImportedVersion[]): Record<string, unknown> {
  return {
    outcome,
    slug: prompt.slug,
    ...(outcome === "created" ? { name: prompt.name, description: prompt.description ?? null, tags: (prompt.tags ?? []).map((tag) => tag.name) } : {}),
    version_numbers: versions.map((version) => version.version_number),
  };
}
