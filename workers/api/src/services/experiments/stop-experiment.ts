/**
 * Stops a running experiment: Postgres first (status, stopped_at, audit row), then the KV entry,
 * after which get-prompt serves the published version to everyone again. Results stay readable.
 * Stopping a stopped experiment changes nothing and writes KV again (a retry repairs KV).
 */
import { and, eq } from "drizzle-orm";
import { experiments, prompts } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { projectEnvironment } from "../prompts/project-published-prompt.ts";
import { emitEvent } from "../webhooks/emit-event.ts";
import { loadExperiment, toExperimentView } from "./experiment-view.ts";

export async function stopExperiment({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; experimentId: string } }) {
  const { view, slug } = await ctx.db().transaction(async (tx) => {
    const current = await loadExperiment(tx, { workspaceId: input.workspaceId, experimentId: input.experimentId, lock: true });
    const { experiment } = current;
    if (experiment.status === "draft") throw new ApiError("CONFLICT", "This experiment has not been started; delete it instead");
    const [prompt] = await tx
      .select({ id: prompts.id, slug: prompts.slug, name: prompts.name })
      .from(prompts)
      .where(and(eq(prompts.id, experiment.promptId), eq(prompts.workspaceId, input.workspaceId)))
      .limit(1);
    if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
    if (experiment.status === "stopped") return { view: current.view, slug: prompt.slug };
    const now = new Date();
    const [after] = await tx
      .update(experiments)
      .set({ status: "stopped", stoppedAt: now, updatedAt: now })
      .where(and(eq(experiments.id, experiment.id), eq(experiments.workspaceId, input.workspaceId)))
      .returning();
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "experiment.stop",
      targetType: "experiment",
      targetId: experiment.id,
      before: { status: "running" },
      after: { status: "stopped", stopped_at: now.toISOString() },
    });
    await emitEvent(tx, ctx, {
      type: "experiment.stopped",
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      data: { experiment: { id: experiment.id, name: experiment.name, primary_event: experiment.primaryEvent }, prompt: { id: prompt.id, slug: prompt.slug, name: prompt.name }, environment: experiment.environment },
    });
    return { view: toExperimentView(after!, current.variants), slug: prompt.slug };
  });
  await projectEnvironment({ ctx, input: { workspaceId: input.workspaceId, environment: view.environment, slug } });
  return view;
}
