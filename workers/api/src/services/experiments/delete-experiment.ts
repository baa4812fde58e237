/**
 * Deletes a draft or stopped experiment with its variants. A running one must be stopped first,
 * so the edge never serves variants of an experiment that no longer exists. Exposures keep the
 * experiment id they were recorded with (they are history, see db/schema/exposures.ts).
 */
import { and, eq } from "drizzle-orm";
import { experiments } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { auditedExperiment, loadExperiment } from "./experiment-view.ts";

export async function deleteExperiment({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; experimentId: string } }) {
  await ctx.db().transaction(async (tx) => {
    const before = await loadExperiment(tx, { ...input, lock: true });
    if (before.experiment.status === "running") throw new ApiError("CONFLICT", "This experiment is running; stop it before deleting it");
    await tx.delete(experiments).where(and(eq(experiments.id, input.experimentId), eq(experiments.workspaceId, input.workspaceId)));
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "experiment.delete", targetType: "experiment", targetId: input.experimentId, before: auditedExperiment(before.view) });
  });
}
