/**
 * Deploying a version to an environment (publish, promote, rollback): the environment pointer,
 * the deployment history row, the version's status and the audit row change together in one
 * Postgres transaction; only after it commits is the KV projection written, so the edge never
 * serves something the source of truth does not hold.
 */
import { and, eq, sql } from "drizzle-orm";
import { deployments, environments, prompts, promptVersions } from "@xr2/db/schema";
import { ApiError, compileMessages, compileTemplate, newId, type Environment, type PublishedPrompt } from "@xr2/shared";
import type { HttpDatabase, ServiceContext, Transaction } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { projectEnvironment } from "./project-published-prompt.ts";

export type DeploymentAction = "publish" | "promote" | "rollback";

export interface DeployInput {
  workspaceId: string;
  promptId: string;
  versionId: string;
  environment: Environment;
  actorUserId: string | null;
  action?: DeploymentAction;
  note?: string | undefined;
  /** Set when an Admin's approval cleared this deployment. */
  approvalRequestId?: string | undefined;
  /** Runs inside the deployment's transaction, first: what must commit (or fail) together with it. */
  alsoInTransaction?: ((tx: Transaction) => Promise<void>) | undefined;
}

export interface Deployment {
  deployment_id: string;
  environment: Environment;
  action: DeploymentAction;
  from_version_id: string | null;
  to_version_id: string;
  version: number;
}

/**
 * The prompt and version of a deployment, checked: both of the workspace, the prompt active, the
 * version not archived, and its template compiling (the edge must never receive one it cannot
 * render). Used before deploying and before asking for an approval.
 */
export async function loadDeployable(db: Transaction | HttpDatabase, input: { workspaceId: string; promptId: string; versionId: string }) {
  const [prompt] = await db
    .select({ slug: prompts.slug, status: prompts.status })
    .from(prompts)
    .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
    .limit(1);
  if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
  if (prompt.status !== "active") throw new ApiError("CONFLICT", "This prompt is archived; unarchive it before publishing");
  const [version] = await db
    .select({ id: promptVersions.id, status: promptVersions.status, versionNumber: promptVersions.versionNumber, content: promptVersions.content, messages: promptVersions.messages })
    .from(promptVersions)
    .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.promptId, input.promptId), eq(promptVersions.workspaceId, input.workspaceId)))
    .limit(1);
  if (!version) throw new ApiError("NOT_FOUND", "Version not found");
  if (version.status === "archived") throw new ApiError("CONFLICT", "This version is archived and cannot be deployed");
  const compiled = version.messages ? compileMessages(version.messages) : compileTemplate(version.content ?? "");
  if (!compiled.ok) throw new ApiError("VALIDATION_FAILED", `Version ${version.versionNumber}'s template has errors; fix them in a new version`, { details: compiled.errors });
  return { prompt, version };
}

export async function publishVersion({ ctx, input }: { ctx: ServiceContext; input: DeployInput }): Promise<Deployment & { published: PublishedPrompt | null }> {
  const action = input.action ?? "publish";
  const { slug, deployment } = await ctx.db().transaction(async (tx) => {
    await input.alsoInTransaction?.(tx);
    const { prompt, version } = await loadDeployable(tx, input);

    const [current] = await tx
      .select({ versionId: environments.versionId })
      .from(environments)
      .where(and(eq(environments.promptId, input.promptId), eq(environments.environment, input.environment), eq(environments.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);

    const deploymentId = newId("deployment");
    await tx.insert(deployments).values({
      id: deploymentId,
      workspaceId: input.workspaceId,
      promptId: input.promptId,
      environment: input.environment,
      action,
      fromVersionId: current?.versionId ?? null,
      toVersionId: input.versionId,
      actorUserId: input.actorUserId,
      approval: input.approvalRequestId ? "approved" : "not_required",
      approvalRequestId: input.approvalRequestId ?? null,
      note: input.note ?? null,
    });
    await tx
      .insert(environments)
      .values({ workspaceId: input.workspaceId, promptId: input.promptId, environment: input.environment, versionId: input.versionId, deploymentId, updatedById: input.actorUserId })
      .onConflictDoUpdate({
        target: [environments.promptId, environments.environment],
        set: { versionId: input.versionId, deploymentId, updatedById: input.actorUserId, updatedAt: sql`now()` },
      });
    // Draft → Testing on a first deployment anywhere; → Production once it serves production.
    const status = input.environment === "production" ? "production" : "testing";
    if (version.status === "draft" || (status === "production" && version.status === "testing")) {
      await tx
        .update(promptVersions)
        .set({ status })
        .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.workspaceId, input.workspaceId)));
    }
    const deployment: Deployment = {
      deployment_id: deploymentId,
      environment: input.environment,
      action,
      from_version_id: current?.versionId ?? null,
      to_version_id: input.versionId,
      version: version.versionNumber,
    };
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: `prompt.${action}`,
      targetType: "prompt",
      targetId: input.promptId,
      before: { environment: input.environment, version_id: current?.versionId ?? null },
      after: { environment: input.environment, version_id: input.versionId, deployment_id: deploymentId },
    });
    return { slug: prompt.slug, deployment };
  });

  const published = await projectEnvironment({ ctx, input: { workspaceId: input.workspaceId, environment: input.environment, slug } });
  return { ...deployment, published };
}
