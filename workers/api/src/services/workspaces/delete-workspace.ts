/**
 * Deleting a workspace (issue #15): the caller types its name to confirm. In one transaction the
 * workspace is marked deleted (from then on every call on it answers 404 and no member lists it)
 * and a platform-level audit row (workspace_id null, so it outlives the workspace) names it and
 * who deleted it. After the commit its KV entries go, so its API keys stop authenticating at the
 * edge within the isolate cache's quarter second, and the purge job is queued to remove its rows.
 *
 * The route lets a workspace Admin call this. A purge that never runs is swept up by the
 * scheduled aggregation job (sweep-deleted-workspaces.ts).
 */
import { eq } from "drizzle-orm";
import { workspaces } from "@xr2/db/schema";
import { ApiError, describeError, log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { enqueueWorkspacePurge } from "./enqueue-workspace-purge.ts";
import { removeWorkspaceProjection } from "./remove-workspace-projection.ts";

export interface DeleteWorkspaceInput {
  workspaceId: string;
  actorUserId: string;
  /** Must equal the workspace's name exactly. */
  confirmName: string;
}

export interface DeletedWorkspace {
  id: string;
  name: string;
  deleted_at: string;
  /** Whether the job removing its rows was handed to QStash. */
  purge_queued: boolean;
}

export async function deleteWorkspace({ ctx, input }: { ctx: ServiceContext; input: DeleteWorkspaceInput }): Promise<DeletedWorkspace> {
  const deleted = await ctx.db().transaction(async (tx) => {
    // Serialised with key creation (which locks the same row), so no key is created after this.
    const [workspace] = await tx.select().from(workspaces).where(eq(workspaces.id, input.workspaceId)).for("update").limit(1);
    if (!workspace) throw new ApiError("NOT_FOUND", "Workspace not found");
    if (input.confirmName !== workspace.name) {
      throw new ApiError("CONFIRMATION_MISMATCH", "confirm_name does not match the workspace's name: type the name exactly as it is shown to delete the workspace");
    }
    if (workspace.deletedAt !== null) return { id: workspace.id, name: workspace.name, deletedAt: workspace.deletedAt };
    const deletedAt = new Date();
    await tx.update(workspaces).set({ deletedAt }).where(eq(workspaces.id, workspace.id));
    await recordAudit(tx, ctx, {
      workspaceId: null,
      actorUserId: input.actorUserId,
      action: "workspace.delete",
      targetType: "workspace",
      targetId: workspace.id,
      before: { name: workspace.name, owner_id: workspace.ownerId, created_at: workspace.createdAt.toISOString() },
      after: { name: workspace.name, deleted_at: deletedAt.toISOString(), deleted_by: input.actorUserId },
    });
    return { id: workspace.id, name: workspace.name, deletedAt };
  });
  // The purge is queued first: it removes the KV entries again, so a KV failure here (logged) is
  // mended by the job, or by the scheduled sweep, instead of failing a deletion already committed.
  const queued = await enqueueWorkspacePurge({ ctx, input: { workspaceId: deleted.id } });
  try {
    await removeWorkspaceProjection({ ctx, input: { workspaceId: deleted.id } });
  } catch (error) {
    log("error", "deleted workspace's KV entries not removed; its purge removes them", { workspace_id: deleted.id, error: describeError(error) });
  }
  return { id: deleted.id, name: deleted.name, deleted_at: deleted.deletedAt.toISOString(), purge_queued: queued };
}
