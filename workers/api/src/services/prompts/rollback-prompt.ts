/**
 * Rollback: re-point an environment at an earlier version — the one it served before its latest
 * deployment, or a named one that was deployed there before. Restoring something that already
 * served needs no new approval; it is the emergency exit. What serves now and the history are
 * read under the prompt's deployment lock, so two rollbacks at once go back two steps.
 *
 * With snippets, what served is a version AND the text its includes were inlined to: a rollback
 * restores both, copying `includes` and `resolved` from the deployment row it returns to (never
 * re-resolving against the snippets' current versions, which may be the bad text rolled back
 * from, or unpublished since). The rule for that row, over this environment's deployments:
 * - no version named: a state is (version, resolved text). Find the latest publish/promote whose
 *   state is the current one, and return to the first one before it whose state differs — the
 *   state served before the current one was first deployed. So after a snippet republish (same
 *   version, new text) the rollback returns to the old text of the same version; twice goes two
 *   states back. Without snippets this is the version rule it always was.
 * - a version named: its latest deployment here; when that version serves now, its latest
 *   deployment whose resolved text differs from what serves now (refused if there is none).
 */
import { and, desc, eq } from "drizzle-orm";
import { deployments, environments, type IncludePin, type ResolvedBody } from "@xr2/db/schema";
import { ApiError, type Environment } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { projectEnvironment } from "./project-published-prompt.ts";
import { deployInTransaction, inDeploymentTransaction } from "./publish-version.ts";

export interface RollbackInput {
  workspaceId: string;
  promptId: string;
  environment: Environment;
  versionId?: string | undefined;
  actorUserId: string;
  note?: string | undefined;
}

export async function rollbackPrompt({ ctx, input }: { ctx: ServiceContext; input: RollbackInput }) {
  const { slug, result: deployment } = await inDeploymentTransaction(ctx, input, (tx) => rollbackInTransaction(tx, ctx, input));
  await projectEnvironment({ ctx, input: { workspaceId: input.workspaceId, environment: input.environment, slug } });
  return deployment;
}

/** The rollback inside a transaction of `inDeploymentTransaction`; the caller projects to KV after the commit. */
export async function rollbackInTransaction(tx: Transaction, ctx: ServiceContext, input: RollbackInput) {
  const { versionId, restore } = await rollbackTarget(tx, input);
  return deployInTransaction(tx, ctx, { workspaceId: input.workspaceId, promptId: input.promptId, versionId, environment: input.environment, actorUserId: input.actorUserId, action: "rollback", note: input.note, restore });
}

interface Served {
  toVersionId: string;
  action: string;
  includes: IncludePin[];
  resolved: ResolvedBody | null;
}

const stateOf = (row: { toVersionId: string; resolved: ResolvedBody | null }) => `${row.toVersionId} ${JSON.stringify(row.resolved)}`;

async function rollbackTarget(tx: Transaction, input: RollbackInput): Promise<{ versionId: string; restore: { includes: IncludePin[]; resolved: ResolvedBody | null } }> {
  const scoped = and(eq(deployments.workspaceId, input.workspaceId), eq(deployments.promptId, input.promptId), eq(deployments.environment, input.environment));
  const served = { toVersionId: deployments.toVersionId, action: deployments.action, includes: deployments.includes, resolved: deployments.resolved };
  const [current] = await tx
    .select(served)
    .from(environments)
    .innerJoin(deployments, and(eq(deployments.id, environments.deploymentId), scoped))
    .where(and(eq(environments.workspaceId, input.workspaceId), eq(environments.promptId, input.promptId), eq(environments.environment, input.environment)))
    .limit(1);
  if (!current) throw new ApiError("CONFLICT", `Nothing is published to ${input.environment}; there is nothing to roll back`);
  const now = stateOf(current as Served);
  const restoring = (row: Served) => ({ versionId: row.toVersionId, restore: { includes: row.includes, resolved: row.resolved } });

  if (input.versionId === undefined) {
    const history = (await tx.select(served).from(deployments).where(scoped).orderBy(desc(deployments.createdAt), desc(deployments.id)).limit(500)) as Served[];
    // Rollbacks only re-point: walk back through publishes and promotes.
    const forward = history.filter((deployment) => deployment.action !== "rollback");
    const currentAt = forward.findIndex((deployment) => stateOf(deployment) === now);
    const target = forward.slice(currentAt + 1).find((deployment) => stateOf(deployment) !== now);
    if (!target) throw new ApiError("CONFLICT", `${input.environment} has served no earlier version; there is nothing to roll back to`);
    return restoring(target);
  }
  const ofVersion = (await tx
    .select(served)
    .from(deployments)
    .where(and(scoped, eq(deployments.toVersionId, input.versionId)))
    .orderBy(desc(deployments.createdAt), desc(deployments.id))
    .limit(500)) as Served[];
  if (ofVersion.length === 0) throw new ApiError("CONFLICT", `That version never served ${input.environment}; publish it instead of rolling back to it`);
  const target = ofVersion.find((deployment) => stateOf(deployment) !== now);
  if (!target) throw new ApiError("CONFLICT", `${input.environment} already serves that version`);
  return restoring(target);
}
