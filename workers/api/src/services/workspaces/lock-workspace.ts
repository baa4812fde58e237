/**
 * Locks a live workspace's row for the rest of the transaction (404 once it is deleted). Creations
 * that count against a per-workspace limit (API keys, access tokens, webhook endpoints, alert rules,
 * scheduled deployments) take it before counting, so racing creations cannot overshoot the limit;
 * deletion takes the same lock, so a creation that waited for it finds the workspace gone.
 */
import { eq } from "drizzle-orm";
import { workspaces } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { Transaction } from "../../context.ts";

export async function lockLiveWorkspace(tx: Transaction, workspaceId: string): Promise<void> {
  const [workspace] = await tx.select({ deletedAt: workspaces.deletedAt }).from(workspaces).where(eq(workspaces.id, workspaceId)).for("update");
  if (!workspace || workspace.deletedAt !== null) throw new ApiError("NOT_FOUND", "Workspace not found");
}
