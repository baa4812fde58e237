/**
 * Rollback: re-point an environment at an earlier version — the one it served before its latest
 * deployment, or a named one that was deployed there before. Restoring something that already
 * served needs no new approval; it is the emergency exit.
 */
import { and, desc, eq } from "drizzle-orm";
import { deployments, environments } from "@xr2/db/schema";
import { ApiError, type Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { publishVersion } from "./publish-version.ts";

export async function rollbackPrompt({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; promptId: string; environment: Environment; versionId?: string | undefined; actorUserId: string; note?: string | undefined };
}) {
  const [current] = await ctx
    .http()
    .select({ versionId: environments.versionId, deploymentId: environments.deploymentId })
    .from(environments)
    .where(and(eq(environments.workspaceId, input.workspaceId), eq(environments.promptId, input.promptId), eq(environments.environment, input.environment)))
    .limit(1);
  if (!current) throw new ApiError("CONFLICT", `Nothing is published to ${input.environment}; there is nothing to roll back`);

  let target = input.versionId;
  if (target === undefined) {
    // Walk back through publishes and promotes (rollbacks only re-point): the version served
    // before the one serving now was first deployed. Rolling back twice goes two versions back.
    const history = await ctx
      .http()
      .select({ toVersionId: deployments.toVersionId, action: deployments.action })
      .from(deployments)
      .where(and(eq(deployments.workspaceId, input.workspaceId), eq(deployments.promptId, input.promptId), eq(deployments.environment, input.environment)))
      .orderBy(desc(deployments.createdAt), desc(deployments.id))
      .limit(500);
    const forward = history.filter((deployment) => deployment.action !== "rollback");
    const currentAt = forward.findIndex((deployment) => deployment.toVersionId === current.versionId);
    target = forward.slice(currentAt + 1).find((deployment) => deployment.toVersionId !== current.versionId)?.toVersionId;
    if (!target) throw new ApiError("CONFLICT", `${input.environment} has served no earlier version; there is nothing to roll back to`);
  } else {
    const [served] = await ctx
      .http()
      .select({ id: deployments.id })
      .from(deployments)
      .where(and(eq(deployments.workspaceId, input.workspaceId), eq(deployments.promptId, input.promptId), eq(deployments.environment, input.environment), eq(deployments.toVersionId, target)))
      .limit(1);
    if (!served) throw new ApiError("CONFLICT", `That version never served ${input.environment}; publish it instead of rolling back to it`);
  }
  if (target === current.versionId) throw new ApiError("CONFLICT", `${input.environment} already serves that version`);
  const { published: _published, ...deployment } = await publishVersion({
    ctx,
    input: { workspaceId: input.workspaceId, promptId: input.promptId, versionId: target, environment: input.environment, actorUserId: input.actorUserId, action: "rollback", note: input.note },
  });
  return deployment;
}
