/**
 * Edits a draft experiment. Once started, its configuration is what the results are measured
 * against, so it no longer changes; stop it and create a new one instead.
 */
import { and, eq } from "drizzle-orm";
import { experiments, experimentVariants } from "@xr2/db/schema";
import { ApiError, newId, type Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { auditedExperiment, loadExperiment, resolveVariants, toExperimentView, type VariantInput } from "./experiment-view.ts";

export interface UpdateExperimentInput {
  workspaceId: string;
  actorUserId: string;
  experimentId: string;
  name?: string | undefined;
  /** null clears it. */
  description?: string | null | undefined;
  environment?: Environment | undefined;
  primaryEvent?: string | undefined;
  /** Replaces the whole list. */
  variants?: VariantInput[] | undefined;
}

export async function updateExperiment({ ctx, input }: { ctx: ServiceContext; input: UpdateExperimentInput }) {
  return ctx.db().transaction(async (tx) => {
    const before = await loadExperiment(tx, { workspaceId: input.workspaceId, experimentId: input.experimentId, lock: true });
    if (before.experiment.status !== "draft") throw new ApiError("CONFLICT", `This experiment is ${before.experiment.status}; only drafts can be edited`);
    let variants = before.variants;
    if (input.variants !== undefined) {
      variants = await resolveVariants(tx, { workspaceId: input.workspaceId, promptId: before.experiment.promptId, variants: input.variants });
      await tx.delete(experimentVariants).where(and(eq(experimentVariants.workspaceId, input.workspaceId), eq(experimentVariants.experimentId, input.experimentId)));
      await tx.insert(experimentVariants).values(
        variants.map((variant, position) => ({
          id: newId("variant"),
          workspaceId: input.workspaceId,
          experimentId: input.experimentId,
          promptId: before.experiment.promptId,
          versionId: variant.versionId,
          key: variant.key,
          position,
          weight: variant.weight,
        })),
      );
    }
    const [after] = await tx
      .update(experiments)
      .set({
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.environment === undefined ? {} : { environment: input.environment }),
        ...(input.primaryEvent === undefined ? {} : { primaryEvent: input.primaryEvent }),
        updatedAt: new Date(),
      })
      .where(and(eq(experiments.id, input.experimentId), eq(experiments.workspaceId, input.workspaceId)))
      .returning();
    const view = toExperimentView(after!, variants);
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "experiment.update",
      targetType: "experiment",
      targetId: input.experimentId,
      before: auditedExperiment(before.view),
      after: auditedExperiment(view),
    });
    return view;
  });
}
