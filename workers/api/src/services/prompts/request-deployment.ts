/**
 * The deployment policy in front of publishVersion: when the workspace requires an Admin's
 * approval for production, a non-Admin's publish or promote to production becomes a pending
 * approval request (one per prompt and environment; a newer request replaces the older).
 */
import { and, eq } from "drizzle-orm";
import { approvalRequests, workspaces } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { can, type Role } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { loadDeployable, publishVersion, type Deployment, type DeployInput } from "./publish-version.ts";

export type DeploymentOutcome = ({ status: "deployed" } & Deployment) | { status: "pending_approval"; approval_request_id: string; environment: string; version_id: string };

export async function requestDeployment({ ctx, input }: { ctx: ServiceContext; input: DeployInput & { actorRole: Role } }): Promise<DeploymentOutcome> {
  if (input.environment === "production" && !can(input.actorRole, "production.approve")) {
    const [workspace] = await ctx.http().select({ requireApproval: workspaces.requireProductionApproval }).from(workspaces).where(eq(workspaces.id, input.workspaceId)).limit(1);
    if (!workspace) throw new ApiError("NOT_FOUND", "Workspace not found");
    if (workspace.requireApproval) return { status: "pending_approval", ...(await createApprovalRequest(ctx, input)) };
  }
  const { published: _published, ...deployment } = await publishVersion({ ctx, input });
  return { status: "deployed", ...deployment };
}

async function createApprovalRequest(ctx: ServiceContext, input: DeployInput) {
  const id = newId("approval");
  await ctx.db().transaction(async (tx) => {
    // Refuse now what the Admin could not approve later.
    await loadDeployable(tx, input);
    await tx
      .update(approvalRequests)
      .set({ status: "cancelled", decidedAt: new Date(), decisionNote: "replaced by a newer request" })
      .where(and(eq(approvalRequests.workspaceId, input.workspaceId), eq(approvalRequests.promptId, input.promptId), eq(approvalRequests.environment, input.environment), eq(approvalRequests.status, "pending")));
    await tx.insert(approvalRequests).values({
      id,
      workspaceId: input.workspaceId,
      promptId: input.promptId,
      environment: input.environment,
      versionId: input.versionId,
      requestedById: input.actorUserId,
      comment: input.note ?? null,
    });
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "approval.request", targetType: "prompt", targetId: input.promptId, after: { approval_request_id: id, environment: input.environment, version_id: input.versionId } });
  });
  return { approval_request_id: id, environment: input.environment, version_id: input.versionId };
}

/** An Admin's decision on a pending request: approving deploys the requested version. */
export async function decideApproval({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; approvalRequestId: string; actorUserId: string; approve: boolean; note?: string | undefined };
}) {
  const decide = async (tx: Transaction) => {
    const [pending] = await tx
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.id, input.approvalRequestId), eq(approvalRequests.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!pending) throw new ApiError("NOT_FOUND", "Approval request not found");
    if (pending.status !== "pending") throw new ApiError("CONFLICT", `This request is already ${pending.status}`);
    await tx
      .update(approvalRequests)
      .set({ status: input.approve ? "approved" : "rejected", decidedById: input.actorUserId, decidedAt: new Date(), decisionNote: input.note ?? null })
      .where(eq(approvalRequests.id, pending.id));
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: input.approve ? "approval.approve" : "approval.reject", targetType: "approval_request", targetId: pending.id, before: { status: "pending" }, after: { status: input.approve ? "approved" : "rejected" } });
    return pending;
  };
  if (!input.approve) {
    const rejected = await ctx.db().transaction(decide);
    return { status: "rejected" as const, approval_request_id: rejected.id };
  }
  // Approving and deploying commit together: a deployment that fails leaves the request pending.
  const [pending] = await ctx
    .http()
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.id, input.approvalRequestId), eq(approvalRequests.workspaceId, input.workspaceId)))
    .limit(1);
  if (!pending) throw new ApiError("NOT_FOUND", "Approval request not found");
  const { published: _published, ...deployment } = await publishVersion({
    ctx,
    input: {
      workspaceId: input.workspaceId,
      promptId: pending.promptId,
      versionId: pending.versionId,
      environment: pending.environment,
      actorUserId: input.actorUserId,
      note: pending.comment ?? undefined,
      approvalRequestId: pending.id,
      alsoInTransaction: async (tx) => {
        await decide(tx);
      },
    },
  });
  return { status: "deployed" as const, approval_request_id: pending.id, ...deployment };
}
