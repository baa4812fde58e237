/** The public (snake_case) shape of a prompt: its row, its tags, and which version each environment serves. */
import { and, eq, inArray } from "drizzle-orm";
import { environments, promptTags, promptVersions, tags, type Prompt } from "@xr2/db/schema";
import type { Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import type { TagView } from "../tags/tag-view.ts";

export interface EnvironmentPointerView {
  version_id: string;
  version_number: number;
  updated_at: string;
}

export function toPromptView(row: Prompt, tagViews: TagView[], pointers: Partial<Record<Environment, EnvironmentPointerView>>) {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    status: row.status,
    tags: tagViews.toSorted((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    owner_id: row.ownerId,
    created_by_id: row.createdById,
    archived_at: row.archivedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    environments: pointers,
  };
}

export type PromptView = ReturnType<typeof toPromptView>;

/** Views of prompt rows of one workspace, with their tags and environments read in two queries. */
export async function loadPromptViews(ctx: ServiceContext, workspaceId: string, rows: Prompt[]): Promise<PromptView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const db = ctx.http();
  const [tagRows, pointerRows] = await Promise.all([
    db
      .select({ promptId: promptTags.promptId, id: tags.id, name: tags.name, color: tags.color })
      .from(promptTags)
      .innerJoin(tags, and(eq(tags.id, promptTags.tagId), eq(tags.workspaceId, promptTags.workspaceId)))
      .where(and(eq(promptTags.workspaceId, workspaceId), inArray(promptTags.promptId, ids))),
    db
      .select({ promptId: environments.promptId, environment: environments.environment, versionId: environments.versionId, versionNumber: promptVersions.versionNumber, updatedAt: environments.updatedAt })
      .from(environments)
      .innerJoin(promptVersions, and(eq(promptVersions.id, environments.versionId), eq(promptVersions.promptId, environments.promptId)))
      .where(and(eq(environments.workspaceId, workspaceId), inArray(environments.promptId, ids))),
  ]);
  return rows.map((row) =>
    toPromptView(
      row,
      tagRows.filter((tag) => tag.promptId === row.id).map(({ id, name, color }) => ({ id, name, color })),
      Object.fromEntries(
        pointerRows
          .filter((pointer) => pointer.promptId === row.id)
          .map((pointer) => [pointer.environment, { version_id: pointer.versionId, version_number: pointer.versionNumber, updated_at: pointer.updatedAt.toISOString() }]),
      ),
    ),
  );
}
