/**
 * Prompts of a workspace as a portable document (P6): slugs, names, tags by name and colour,
 * and every version's body, with no ids of any kind, so the document can be imported into any
 * workspace (services/prompts/import-prompts.ts) or kept in a repository by the CLI.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { prompts, promptTags, promptVersions, tags, type ChatMessage, type ModelConfig, type Prompt, type PromptKind, type PromptVariable, type VersionStatus } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { HttpDatabase, ServiceContext, Transaction } from "../../context.ts";

export const PORTABLE_FORMAT_VERSION = 1;
/** A document holds at most this many prompts, both ways (with the size checks of the export route, any export can be imported again). */
export const MAX_PORTABLE_PROMPTS = 100;
export const MAX_PORTABLE_VERSIONS = 200;
/**
 * What one export may hold in all, checked before the versions are read: the versions a document
 * may hold, and 1 MB of their raw bodies. The stored versions of a hundred prompts are otherwise
 * unbounded, read in one query and written out in one answer: 4 MB of them held the worker (YAML
 * is written at about a megabyte a second) and the database connection for 4 to 5 s. The raw
 * bytes are not the document's: keys, quoting and escapes ("\n" is two bytes, a control
 * character six) make it larger, so the route also checks the written document against the
 * import's body limit (MAX_BODY_BYTES), and a YAML document against the YAML import's token cap.
 */
export const MAX_EXPORT_VERSIONS = MAX_PORTABLE_PROMPTS * MAX_PORTABLE_VERSIONS;
export const MAX_EXPORT_BODY_BYTES = 1_000_000;

export interface PortableVersion {
  version_number?: number | undefined;
  kind?: PromptKind | undefined;
  content?: string | undefined;
  messages?: ChatMessage[] | undefined;
  variables?: PromptVariable[] | undefined;
  model_config?: ModelConfig | undefined;
  changelog?: string | null | undefined;
  /** The status in the workspace it came from; informative only, imports always create drafts. */
  status?: VersionStatus | undefined;
}

export interface PortablePrompt {
  slug: string;
  name: string;
  description?: string | null | undefined;
  tags?: Array<{ name: string; color?: string | undefined }> | undefined;
  versions?: PortableVersion[] | undefined;
}

export interface PortableDocument {
  xr2_export: typeof PORTABLE_FORMAT_VERSION;
  exported_at?: string | undefined;
  prompts: PortablePrompt[];
}

/**
 * The given prompts of the workspace (any status; an id that is not one of its prompts is a 404),
 * or else all its active prompts, by slug. More than MAX_PORTABLE_PROMPTS active prompts must be
 * exported in chunks chosen with `promptIds`, rather than in a document no import would accept.
 */
export async function exportPrompts({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; promptIds?: string[] | undefined } }): Promise<PortableDocument> {
  const db = ctx.http();
  const rows = await db
    .select()
    .from(prompts)
    .where(and(eq(prompts.workspaceId, input.workspaceId), input.promptIds === undefined ? eq(prompts.status, "active") : inArray(prompts.id, input.promptIds)))
    .orderBy(asc(prompts.slug))
    .limit(MAX_PORTABLE_PROMPTS + 1);
  if (input.promptIds !== undefined) {
    const missing = input.promptIds.find((id) => !rows.some((row) => row.id === id));
    if (missing !== undefined) throw new ApiError("NOT_FOUND", `Prompt not found: ${missing}`);
  } else if (rows.length > MAX_PORTABLE_PROMPTS) {
    throw new ApiError("VALIDATION_FAILED", `The workspace has more than ${MAX_PORTABLE_PROMPTS} active prompts; export them in chunks with prompt_ids`);
  }
  if (rows.length > 0) {
    const bodyBytes = sql<string>`coalesce(sum(octet_length(coalesce(${promptVersions.content}, '')) + octet_length(coalesce(${promptVersions.messages}::text, '')) + octet_length(${promptVersions.variables}::text) + octet_length(${promptVersions.modelConfig}::text)), 0)`;
    const [size] = await db
      .select({ versions: sql<number>`count(*)::int`, bytes: bodyBytes })
      .from(promptVersions)
      .where(and(eq(promptVersions.workspaceId, input.workspaceId), inArray(promptVersions.promptId, rows.map((row) => row.id))));
    if (size && (size.versions > MAX_EXPORT_VERSIONS || Number(size.bytes) > MAX_EXPORT_BODY_BYTES)) {
      throw new ApiError(
        "VALIDATION_FAILED",
        `These prompts hold ${size.versions} versions (${(Number(size.bytes) / 1_000_000).toFixed(1)} MB); one export holds at most ${MAX_EXPORT_VERSIONS} versions and ${MAX_EXPORT_BODY_BYTES / 1_000_000} MB: export fewer prompts at a time with prompt_ids`,
      );
    }
  }
  return { xr2_export: PORTABLE_FORMAT_VERSION, exported_at: new Date().toISOString(), prompts: await toPortablePrompts(db, input.workspaceId, rows) };
}

/** Prompt rows of one workspace with their tags and versions, in the portable shape (read with `db`, a transaction's when it must be consistent with its writes). */
export async function toPortablePrompts(db: Transaction | HttpDatabase, workspaceId: string, rows: Prompt[]): Promise<PortablePrompt[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [tagRows, versionRows] = await Promise.all([
    db
      .select({ promptId: promptTags.promptId, name: tags.name, color: tags.color })
      .from(promptTags)
      .innerJoin(tags, and(eq(tags.id, promptTags.tagId), eq(tags.workspaceId, promptTags.workspaceId)))
      .where(and(eq(promptTags.workspaceId, workspaceId), inArray(promptTags.promptId, ids)))
      .orderBy(asc(tags.name)),
    db
      .select()
      .from(promptVersions)
      .where(and(eq(promptVersions.workspaceId, workspaceId), inArray(promptVersions.promptId, ids)))
      .orderBy(asc(promptVersions.promptId), asc(promptVersions.versionNumber)),
  ]);
  return rows.map((row) => ({
    slug: row.slug,
    name: row.name,
    description: row.description,
    tags: tagRows.filter((tag) => tag.promptId === row.id).map(({ name, color }) => ({ name, color })),
    versions: versionRows
      .filter((version) => version.promptId === row.id)
      .map((version) => ({
        version_number: version.versionNumber,
        kind: version.kind,
        ...(version.kind === "chat" ? { messages: version.messages ?? [] } : { content: version.content ?? "" }),
        variables: version.variables,
        model_config: version.modelConfig,
        changelog: version.changelog,
        status: version.status,
      })),
  }));
}
