/**
 * The deployment policy in front of deploying: when the workspace requires an Admin's approval
 * for production, a non-Admin's publish or promote to production becomes a pending approval
 * request (one per prompt and environment; a newer request replaces the older). The setting is
 * read inside the deployment's transaction, under the prompt's lock and with a share lock on
 * the workspace row, so an Admin switching it on waits for deployments in flight, and every
 * deployment after the switch sees it.
 */
import { and, eq } from "drizzle-orm";
import { approvalRequests, workspaces } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { allows, type WorkspaceCaller } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { emitEvent, promptRef, versionRef, webhookActor } from "../webhooks/emit-event.ts";
import { projectEnvironment } from "./project-published-prompt.ts";
import { resolveIncludes } from "./resolve-includes.ts";
import { deployInTransaction, inDeploymentTransaction, loadDeployableVersion, type Deployment, type DeployInput } from "./publish-version.ts";

export type DeploymentOutcome = ({ status: "deployed" } & Deployment) | { status: "pending_approval"; approval_request_id: string; environment: string; version_id: string };

/** What to deploy; the version is chosen inside the transaction (promote reads what another environment serves). */
export type DeploymentRequest = Omit<DeployInput, "versionId"> & { actor: WorkspaceCaller; chooseVersion: (tx: Transaction) => Promise<string> };

export async function requestDeployment({ ctx, input }: { ctx: ServiceContext; input: DeploymentRequest }): Promise<DeploymentOutcome> {
  const { slug, result: outcome } = await inDeploymentTransaction(ctx, input, (tx) => requestDeploymentInTransaction(tx, ctx, input));
  if (outcome.status === "deployed") await projectEnvironment({ ctx, input: { workspaceId: input.workspaceId, environment: input.environment, slug } });
  return outcome;
}

/**
 * The policy and the deployment inside a transaction of `inDeploymentTransaction` (for callers
 * that change more in the same transaction, e.g. a scheduled deployment's row); the caller
 * projects the environment to KV after the commit when the outcome is "deployed".
 */
export async function requestDeploymentInTransaction(tx: Transaction, ctx: ServiceContext, input: DeploymentRequest): Promise<DeploymentOutcome> {
  const { actor, chooseVersion, ...rest } = input;
  const deploy: DeployInput = { ...rest, versionId: await chooseVersion(tx) };
  // An access token never approves: no scope grants production.approve, so it deploys as a non-Admin would.
  if (input.environment === "production" && !allows(actor, "production.approve")) {
    const [workspace] = await tx.select({ requireApproval: workspaces.requireProductionApproval }).from(workspaces).where(eq(workspaces.id, input.workspaceId)).for("share").limit(1);
    if (!workspace) throw new ApiError("NOT_FOUND", "Workspace not found");
    if (workspace.requireApproval) return { status: "pending_approval", ...(await createApprovalRequest(tx, ctx, deploy)) };
  }
  return { status: "deployed", ...(await deployInTransaction(tx, ctx, deploy)) };
}

async function createApprovalRequest(tx: Transaction, ctx: ServiceContext, input: DeployInput) {
  // Refuse now what the Admin could not approve later.
  const version = await loadDeployableVersion(tx, input);
  await resolveIncludes(tx, { workspaceId: input.workspaceId, environment: input.environment, promptId: input.promptId, body: version });
  const id = newId("approval");
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
  await emitEvent(tx, ctx, {
    type: "approval.requested",
    workspaceId: input.workspaceId,
    actorUserId: input.actorUserId,
    data: { approval: { id, status: "pending", comment: input.note ?? null }, prompt: await promptRef(tx, input), environment: input.environment, version: { id: version.id, number: version.versionNumber } },
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
    await emitEvent(tx, ctx, {
      type: "approval.decided",
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      data: {
        approval: { id: pending.id, status: input.approve ? "approved" : "rejected", note: input.note ?? null },
        requested_by: await webhookActor(tx, pending.requestedById),
        prompt: await promptRef(tx, { workspaceId: input.workspaceId, promptId: pending.promptId }),
        environment: pending.environment,
        version: await versionRef(tx, { workspaceId: input.workspaceId, versionId: pending.versionId }),
      },
    });
    return pending;
  };
  if (!input.approve) {
    const rejected = await ctx.db().transaction(decide);
    return { status: "rejected" as const, approval_request_id: rejected.id };
  }
  // The request names its prompt, which is locked before the request itself, as every deployment
  // locks it first. Approving and deploying commit together: a deployment that fails leaves the
  // request pending.
  const [request] = await ctx
    .http()
    .select({ promptId: approvalRequests.promptId })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.id, input.approvalRequestId), eq(approvalRequests.workspaceId, input.workspaceId)))
    .limit(1);
  if (!request) throw new ApiError("NOT_FOUND", "Approval request not found");
  const { slug, result: deployment } = await inDeploymentTransaction(ctx, { workspaceId: input.workspaceId, promptId: request.promptId }, async (tx) => {
    const pending = await decide(tx);
    return deployInTransaction(tx, ctx, {
      workspaceId: input.workspaceId,
      promptId: pending.promptId,
      versionId: pending.versionId,
      environment: pending.environment,
      actorUserId: input.actorUserId,
      note: pending.comment ?? undefined,
      approvalRequestId: pending.id,
    });
  });
  await projectEnvironment({ ctx, input: { workspaceId: input.workspaceId, environment: deployment.environment, slug } });
  return { status: "deployed" as const, approval_request_id: input.approvalRequestId, ...deployment };
}
