import { and, desc, eq, sql } from "drizzle-orm";
import * as z from "zod";
import { alias } from "drizzle-orm/pg-core";
import { approvalRequests, deployments, environments, prompts, promptVersions, users } from "@xr2/db/schema";
import { ApiError, type Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";

// The cursor names the last row; the database compares (created_at, id) with that row's own
// values, so no timestamp precision is lost in a round trip through JavaScript.
const cursorSchema = z.object({ id: z.string().max(64) });
const actor = alias(users, "actor");
const requester = alias(users, "requester");

/** Which version each environment serves, and the deployment history (newest first, cursor-paginated). */
export async function listDeployments({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; promptId: string; environment?: Environment | undefined; limit: number; cursor?: string | undefined };
}) {
  const db = ctx.http();
  const [prompt] = await db.select({ id: prompts.id }).from(prompts).where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId))).limit(1);
  if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
  const after = input.cursor ? decodeCursor(input.cursor, cursorSchema) : null;
  const rows = await db
    .select({ deployment: deployments, version: promptVersions.versionNumber, actorName: actor.name, requestedById: approvalRequests.requestedById, requesterName: requester.name })
    .from(deployments)
    .innerJoin(promptVersions, eq(promptVersions.id, deployments.toVersionId))
    .leftJoin(actor, eq(actor.id, deployments.actorUserId))
    .leftJoin(approvalRequests, and(eq(approvalRequests.id, deployments.approvalRequestId), eq(approvalRequests.workspaceId, deployments.workspaceId)))
    .leftJoin(requester, eq(requester.id, approvalRequests.requestedById))
    .where(
      and(
        eq(deployments.workspaceId, input.workspaceId),
        eq(deployments.promptId, input.promptId),
        input.environment ? eq(deployments.environment, input.environment) : undefined,
        after
          ? sql`(${deployments.createdAt}, ${deployments.id}) < (select d.created_at, d.id from deployments d where d.id = ${after.id} and d.workspace_id = ${input.workspaceId})`
          : undefined,
      ),
    )
    .orderBy(desc(deployments.createdAt), desc(deployments.id))
    .limit(input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => ({ id: last.deployment.id }));
  const current = await db
    .select({ environment: environments.environment, versionId: environments.versionId, version: promptVersions.versionNumber, updatedAt: environments.updatedAt })
    .from(environments)
    .innerJoin(promptVersions, eq(promptVersions.id, environments.versionId))
    .where(and(eq(environments.workspaceId, input.workspaceId), eq(environments.promptId, input.promptId)));
  return {
    environments: Object.fromEntries(current.map((row) => [row.environment, { version_id: row.versionId, version: row.version, updated_at: row.updatedAt.toISOString() }])),
    deployments: page.map(({ deployment, version, actorName, requestedById, requesterName }) => ({
      id: deployment.id,
      environment: deployment.environment,
      action: deployment.action,
      from_version_id: deployment.fromVersionId,
      to_version_id: deployment.toVersionId,
      version,
      actor_user_id: deployment.actorUserId,
      actor_name: actorName,
      // An approved deployment: who asked for it (the actor is the Admin who approved).
      requested_by_id: requestedById,
      requested_by_name: requesterName,
      approval: deployment.approval,
      approval_request_id: deployment.approvalRequestId,
      note: deployment.note,
      includes: deployment.includes,
      created_at: deployment.createdAt.toISOString(),
    })),
    next_cursor,
  };
}
