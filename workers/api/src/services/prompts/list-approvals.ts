import { and, desc, eq } from "drizzle-orm";
import { approvalRequests } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";

/** Approval requests of the workspace with one status, newest first (at most 200). */
export async function listApprovals({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; status: "pending" | "approved" | "rejected" | "cancelled"; promptId?: string | undefined };
}) {
  const rows = await ctx
    .http()
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.workspaceId, input.workspaceId), eq(approvalRequests.status, input.status), input.promptId ? eq(approvalRequests.promptId, input.promptId) : undefined))
    .orderBy(desc(approvalRequests.createdAt))
    .limit(200);
  return rows.map((row) => ({
    id: row.id,
    prompt_id: row.promptId,
    environment: row.environment,
    version_id: row.versionId,
    status: row.status,
    requested_by_id: row.requestedById,
    comment: row.comment,
    created_at: row.createdAt.toISOString(),
  }));
}
