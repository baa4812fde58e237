/** Creates a draft experiment on a prompt: nothing is served differently until it is started. */
import { and, count, eq } from "drizzle-orm";
import { experiments, experimentVariants, prompts } from "@xr2/db/schema";
import { ApiError, newId, type Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { auditedExperiment, EXPERIMENT_LIMITS, resolveVariants, toExperimentView, type VariantInput } from "./experiment-view.ts";

export interface CreateExperimentInput {
  workspaceId: string;
  actorUserId: string;
  promptId: string;
  environment: Environment;
  name: string;
  description?: string | undefined;
  primaryEvent: string;
  variants: VariantInput[];
}

export async function createExperiment({ ctx, input }: { ctx: ServiceContext; input: CreateExperimentInput }) {
  return ctx.db().transaction(async (tx) => {
    const [prompt] = await tx
      .select({ status: prompts.status })
      .from(prompts)
      .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
      .limit(1);
    if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
    if (prompt.status !== "active") throw new ApiError("CONFLICT", "This prompt is archived; unarchive it before experimenting on it");
    const [existing] = await tx.select({ total: count() }).from(experiments).where(eq(experiments.workspaceId, input.workspaceId));
    if ((existing?.total ?? 0) >= EXPERIMENT_LIMITS.perWorkspace) {
      throw new ApiError("CONFLICT", `A workspace holds at most ${EXPERIMENT_LIMITS.perWorkspace} experiments; delete old ones first`);
    }
    const variants = await resolveVariants(tx, { workspaceId: input.workspaceId, promptId: input.promptId, variants: input.variants });

    const [experiment] = await tx
      .insert(experiments)
      .values({
        id: newId("experiment"),
        workspaceId: input.workspaceId,
        promptId: input.promptId,
        environment: input.environment,
        name: input.name,
        description: input.description ?? null,
        primaryEvent: input.primaryEvent,
        createdById: input.actorUserId,
      })
      .returning();
    await tx.insert(experimentVariants).values(
      variants.map((variant, position) => ({
        id: newId("variant"),
        workspaceId: input.workspaceId,
        experimentId: experiment!.id,
        promptId: input.promptId,
        versionId: variant.versionId,
        key: variant.key,
        position,
        weight: variant.weight,
      })),
    );
    const view = toExperimentView(experiment!, variants);
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "experiment.create", targetType: "experiment", targetId: view.id, after: auditedExperiment(view) });
    return view;
  });
}
