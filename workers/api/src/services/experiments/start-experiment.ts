/**
 * Starts a draft experiment: from then on get-prompt assigns units to its variants. Postgres
 * commits first (status, started_at, audit row), then the KV entry the edge reads is rewritten
 * with the variants, as publishing does.
 *
 * Starting needs the environment to serve a published version: callers without a unit_id keep
 * getting it. In production, when the workspace requires an Admin's approval, only an Admin may
 * start an experiment that would serve a version that has not served production before.
 * Starting a running experiment changes nothing and writes KV again, so a retry after a failed
 * KV write repairs the projection. A stopped experiment is not restarted: its results would mix
 * two periods; create a new one instead.
 */
import { and, asc, eq, inArray, ne, notExists } from "drizzle-orm";
import { deployments, environments, experiments, prompts, promptVersions, workspaces } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { allows, type WorkspaceCaller } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { projectEnvironment } from "../prompts/project-published-prompt.ts";
import { includedSlugs } from "../prompts/resolve-includes.ts";
import { emitEvent } from "../webhooks/emit-event.ts";
import { loadExperiment, resolveVariants, toExperimentView } from "./experiment-view.ts";

/**
 * Snippets are inlined when a version is deployed, and only the environment's current version has
 * that deployment's resolved text; a variant served from another version would reach the edge with
 * its include tags unresolved. Until variants carry their own resolved text, no variant (the
 * control included: the environment may move on to another version while the experiment runs)
 * may include snippets. Deploying a version with includes where an experiment runs is refused too
 * (publish-version.ts).
 */
async function refuseSnippets(tx: Transaction, input: { workspaceId: string; versionIds: string[] }): Promise<void> {
  const rows = await tx
    .select({ versionNumber: promptVersions.versionNumber, content: promptVersions.content, messages: promptVersions.messages })
    .from(promptVersions)
    .where(and(eq(promptVersions.workspaceId, input.workspaceId), inArray(promptVersions.id, input.versionIds)))
    .orderBy(asc(promptVersions.versionNumber));
  const including = rows.find((row) => includedSlugs(row).length > 0);
  if (including) {
    throw new ApiError("CONFLICT", `Version ${including.versionNumber} includes snippets ({% include %}); experiments cannot serve versions with snippets yet, so use variants without includes`);
  }
}

export async function startExperiment({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; actor: WorkspaceCaller; experimentId: string } }) {
  const { view, slug } = await ctx.db().transaction(async (tx) => {
    const current = await loadExperiment(tx, { workspaceId: input.workspaceId, experimentId: input.experimentId, lock: true });
    const { experiment } = current;
    const [prompt] = await tx
      .select({ id: prompts.id, slug: prompts.slug, name: prompts.name, status: prompts.status })
      .from(prompts)
      .where(and(eq(prompts.id, experiment.promptId), eq(prompts.workspaceId, input.workspaceId)))
      .limit(1);
    if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
    if (experiment.status === "running") return { view: current.view, slug: prompt.slug };
    if (experiment.status === "stopped") throw new ApiError("CONFLICT", "This experiment was stopped; a stopped experiment is not restarted (its results would mix two periods), create a new one");
    if (prompt.status !== "active") throw new ApiError("CONFLICT", "This prompt is archived; unarchive it before starting an experiment on it");
    const [published] = await tx
      .select({ versionId: environments.versionId })
      .from(environments)
      .where(and(eq(environments.workspaceId, input.workspaceId), eq(environments.promptId, experiment.promptId), eq(environments.environment, experiment.environment)))
      .limit(1);
    if (!published) throw new ApiError("CONFLICT", `Nothing is published to ${experiment.environment}; publish a version there first (callers without a unit_id keep getting it)`);
    const variants = await resolveVariants(tx, {
      workspaceId: input.workspaceId,
      promptId: experiment.promptId,
      variants: current.variants.map((variant) => ({ key: variant.key, version_id: variant.versionId, weight: variant.weight })),
    });
    await refuseSnippets(tx, { workspaceId: input.workspaceId, versionIds: variants.map((variant) => variant.versionId) });
    if (experiment.environment === "production" && !allows(input.actor, "production.approve")) {
      const [workspace] = await tx.select({ requireApproval: workspaces.requireProductionApproval }).from(workspaces).where(eq(workspaces.id, input.workspaceId)).limit(1);
      const unapproved = await tx
        .select({ versionNumber: promptVersions.versionNumber })
        .from(promptVersions)
        .where(
          and(
            eq(promptVersions.workspaceId, input.workspaceId),
            eq(promptVersions.promptId, experiment.promptId),
            inArray(promptVersions.id, variants.map((variant) => variant.versionId)),
            // Served production at some point: a deployment to production made it live there.
            notExists(
              tx
                .select({ id: deployments.id })
                .from(deployments)
                .where(and(eq(deployments.workspaceId, input.workspaceId), eq(deployments.promptId, experiment.promptId), eq(deployments.environment, "production"), eq(deployments.toVersionId, promptVersions.id))),
            ),
          ),
        )
        .orderBy(asc(promptVersions.versionNumber));
      if (workspace?.requireApproval && unapproved.length > 0) {
        throw new ApiError("FORBIDDEN", `This workspace requires an Admin's approval for production: version ${unapproved[0]!.versionNumber} has not served production, so an Admin must start this experiment`);
      }
    }
    const [running] = await tx
      .select({ id: experiments.id })
      .from(experiments)
      .where(and(eq(experiments.promptId, experiment.promptId), eq(experiments.environment, experiment.environment), eq(experiments.status, "running"), ne(experiments.id, experiment.id)))
      .limit(1);
    // The partial unique index is the guard against a race between two starts; this is the clear message.
    if (running) throw new ApiError("CONFLICT", `Experiment ${running.id} is already running on this prompt in ${experiment.environment}; stop it first`);

    const now = new Date();
    const [after] = await tx
      .update(experiments)
      .set({ status: "running", startedAt: now, updatedAt: now })
      .where(and(eq(experiments.id, experiment.id), eq(experiments.workspaceId, input.workspaceId)))
      .returning();
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "experiment.start",
      targetType: "experiment",
      targetId: experiment.id,
      before: { status: experiment.status },
      after: { status: "running", started_at: now.toISOString(), environment: experiment.environment },
    });
    await emitEvent(tx, ctx, {
      type: "experiment.started",
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      data: {
        experiment: { id: experiment.id, name: experiment.name, primary_event: experiment.primaryEvent },
        prompt: { id: prompt.id, slug: prompt.slug, name: prompt.name },
        environment: experiment.environment,
        variants: current.variants.map((variant) => ({ key: variant.key, version: { id: variant.versionId, number: variant.versionNumber }, weight: variant.weight })),
      },
    });
    return { view: toExperimentView(after!, current.variants), slug: prompt.slug };
  });
  await projectEnvironment({ ctx, input: { workspaceId: input.workspaceId, environment: view.environment, slug } });
  return view;
}
