import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import * as z from "zod";
import { approvalRequests, deployments, environments, prompts, promptVersions, users, type IncludePin } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";

/** Requests per page at most. */
export const MAX_APPROVALS_PAGE = 200;

const cursorSchema = z.strictObject({ id: z.string().max(64) });

const requested = alias(promptVersions, "requested_version");
const deployed = alias(promptVersions, "deployed_version");
const requester = alias(users, "requester");
const decider = alias(users, "decider");

/**
 * Approval requests of the workspace with one status, newest first, a page at a time, with what the
 * Admins' inbox shows beside each: the prompt's name and slug, the version number, who asked (and
 * who decided), and the version the environment serves now (the left side of the diff). A pending
 * request for the version already served (a snippet's republish) changes only the snippets it
 * inlines: `snippet_changes` names each, from the version inlined now to the one served now.
 *
 * Paged like the audit log: the cursor carries the id of a page's last request, and the next page
 * continues below that request's (created_at, id), compared in SQL. A request decided meanwhile
 * leaves the pending list without moving the others, so pages neither repeat nor skip a request.
 */
export async function listApprovals({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; status: "pending" | "approved" | "rejected" | "cancelled"; promptId?: string | undefined; limit: number; cursor?: string | undefined };
}) {
  const after = input.cursor === undefined ? undefined : await cursorCondition(ctx, input.workspaceId, input.cursor);
  const fetched = await ctx
    .http()
    .select({
      row: approvalRequests,
      promptName: prompts.name,
      promptSlug: prompts.slug,
      versionNumber: requested.versionNumber,
      requesterName: requester.name,
      deciderName: decider.name,
      deployedVersionId: environments.versionId,
      deployedVersionNumber: deployed.versionNumber,
      deployedIncludes: deployments.includes,
    })
    .from(approvalRequests)
    .innerJoin(prompts, and(eq(prompts.id, approvalRequests.promptId), eq(prompts.workspaceId, approvalRequests.workspaceId)))
    .innerJoin(requested, eq(requested.id, approvalRequests.versionId))
    .leftJoin(requester, eq(requester.id, approvalRequests.requestedById))
    .leftJoin(decider, eq(decider.id, approvalRequests.decidedById))
    .leftJoin(environments, and(eq(environments.workspaceId, approvalRequests.workspaceId), eq(environments.promptId, approvalRequests.promptId), eq(environments.environment, approvalRequests.environment)))
    .leftJoin(deployed, eq(deployed.id, environments.versionId))
    .leftJoin(deployments, and(eq(deployments.id, environments.deploymentId), eq(deployments.workspaceId, approvalRequests.workspaceId)))
    .where(and(eq(approvalRequests.workspaceId, input.workspaceId), eq(approvalRequests.status, input.status), input.promptId ? eq(approvalRequests.promptId, input.promptId) : undefined, after))
    .orderBy(desc(approvalRequests.createdAt), desc(approvalRequests.id))
    .limit(input.limit + 1);
  const { page: rows, next_cursor } = pageOf(fetched, input.limit, (last) => ({ id: last.row.id }));
  const changes = await snippetChanges(ctx, input.workspaceId, rows.filter(({ row, deployedVersionId }) => row.status === "pending" && deployedVersionId === row.versionId));
  const approvals = rows.map(({ row, deployedIncludes: _includes, ...joined }) => ({
    id: row.id,
    prompt_id: row.promptId,
    environment: row.environment,
    version_id: row.versionId,
    status: row.status,
    requested_by_id: row.requestedById,
    comment: row.comment,
    created_at: row.createdAt.toISOString(),
    prompt_name: joined.promptName,
    prompt_slug: joined.promptSlug,
    version_number: joined.versionNumber,
    requested_by_name: joined.requesterName,
    decided_by_id: row.decidedById,
    decided_by_name: joined.deciderName,
    decided_at: row.decidedAt?.toISOString() ?? null,
    deployed_version_id: joined.deployedVersionId,
    deployed_version_number: joined.deployedVersionNumber,
    snippet_changes: changes.get(row.id) ?? [],
  }));
  return { approvals, next_cursor };
}

/** Below the cursor's request; only a request of this workspace can be a cursor (another's is as invalid as garbage). */
async function cursorCondition(ctx: ServiceContext, workspaceId: string, cursor: string) {
  const { id } = decodeCursor(cursor, cursorSchema);
  const [anchor] = await ctx
    .http()
    .select({ id: approvalRequests.id })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.id, id), eq(approvalRequests.workspaceId, workspaceId)))
    .limit(1);
  if (!anchor) throw new ApiError("VALIDATION_FAILED", "cursor does not belong to this list");
  return sql`(${approvalRequests.createdAt}, ${approvalRequests.id}) < (select anchor.created_at, anchor.id from ${approvalRequests} anchor where anchor.id = ${id})`;
}

type SnippetChange = { slug: string; from_version: number; to_version: number | null };

/** For each request, the snippets whose served version differs from the one the deployment inlined. */
async function snippetChanges(
  ctx: ServiceContext,
  workspaceId: string,
  rows: ReadonlyArray<{ row: { id: string; environment: string }; deployedIncludes: IncludePin[] | null }>,
): Promise<Map<string, SnippetChange[]>> {
  const snippetIds = [...new Set(rows.flatMap(({ deployedIncludes }) => (deployedIncludes ?? []).map((pin) => pin.prompt_id)))];
  const result = new Map<string, SnippetChange[]>();
  if (snippetIds.length === 0) return result;
  const served = await ctx
    .http()
    .select({ promptId: environments.promptId, environment: environments.environment, versionId: environments.versionId, version: promptVersions.versionNumber })
    .from(environments)
    .innerJoin(promptVersions, and(eq(promptVersions.id, environments.versionId), eq(promptVersions.workspaceId, environments.workspaceId)))
    .where(and(eq(environments.workspaceId, workspaceId), inArray(environments.promptId, snippetIds)));
  for (const { row, deployedIncludes } of rows) {
    const list: SnippetChange[] = [];
    for (const pin of deployedIncludes ?? []) {
      const now = served.find((candidate) => candidate.promptId === pin.prompt_id && candidate.environment === row.environment);
      if (now?.versionId !== pin.version_id) list.push({ slug: pin.slug, from_version: pin.version, to_version: now?.version ?? null });
    }
    if (list.length > 0) result.set(row.id, list);
  }
  return result;
}
