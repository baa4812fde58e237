/**
 * Rollback: re-point an environment at an earlier version — the one it served before its latest
 * deployment, or a named one that was deployed there before. Restoring something that already
 * served needs no new approval; it is the emergency exit. What serves now and the history are
 * read under the prompt's deployment lock, so two rollbacks at once go back two steps.
 */
import { and, desc, eq } from "drizzle-orm";
import { deployments } from "@xr2/db/schema";
import { ApiError, type Environment } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { projectEnvironment } from "./project-published-prompt.ts";
import { currentVersionId, deployInTransaction, inDeploymentTransaction } from "./publish-version.ts";

interface RollbackInput {
  workspaceId: string;
  promptId: string;
  environment: Environment;
  versionId?: string | undefined;
  actorUserId: string;
  note?: string | undefined;
}

export async function rollbackPrompt({ ctx, input }: { ctx: ServiceContext; input: RollbackInput }) {
  const { slug, result: deployment } = await inDeploymentTransaction(ctx, input, async (tx) => {
    const versionId = await rollbackTarget(tx, input);
    return deployInTransaction(tx, ctx, { workspaceId: input.workspaceId, promptId: input.promptId, versionId, environment: input.environment, actorUserId: input.actorUserId, action: "rollback", note: input.note });
  });
  await projectEnvironment({ ctx, input: { workspaceId: input.workspaceId, environment: input.environment, slug } });
  return deployment;
}

async function rollbackTarget(tx: Transaction, input: RollbackInput): Promise<string> {
  const current = await currentVersionId(tx, input);
  if (current === null) throw new ApiError("CONFLICT", `Nothing is published to ${input.environment}; there is nothing to roll back`);
  const ofThisEnvironment = and(eq(deployments.workspaceId, input.workspaceId), eq(deployments.promptId, input.promptId), eq(deployments.environment, input.environment));

  let target = input.versionId;
  if (target === undefined) {
    // Walk back through publishes and promotes (rollbacks only re-point): the version served
    // before the one serving now was first deployed. Rolling back twice goes two versions back.
    const history = await tx
      .select({ toVersionId: deployments.toVersionId, action: deployments.action })
      .from(deployments)
      .where(ofThisEnvironment)
      .orderBy(desc(deployments.createdAt), desc(deployments.id))
      .limit(500);
    const forward = history.filter((deployment) => deployment.action !== "rollback");
    const currentAt = forward.findIndex((deployment) => deployment.toVersionId === current);
    target = forward.slice(currentAt + 1).find((deployment) => deployment.toVersionId !== current)?.toVersionId;
    if (!target) throw new ApiError("CONFLICT", `${input.environment} has served no earlier version; there is nothing to roll back to`);
  } else {
    const [served] = await tx
      .select({ id: deployments.id })
      .from(deployments)
      .where(and(ofThisEnvironment, eq(deployments.toVersionId, target)))
      .limit(1);
    if (!served) throw new ApiError("CONFLICT", `That version never served ${input.environment}; publish it instead of rolling back to it`);
  }
  if (target === current) throw new ApiError("CONFLICT", `${input.environment} already serves that version`);
  return target;
}
