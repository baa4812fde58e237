/**
 * Experiments (A6): the public shape, loading one experiment of the workspace, and the checks a
 * variant list must pass.
 *
 * Variant versions must belong to the experiment's prompt and be out of draft. Versions are
 * immutable once out of draft, so what the edge serves for a variant never changes while the
 * experiment runs, and a draft that an experiment names can never be edited or deleted under it.
 * To test a new version, publish it to development or staging first (that takes it out of draft).
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { experiments, experimentVariants, promptVersions, type Experiment } from "@xr2/db/schema";
import { ApiError, type Environment } from "@xr2/shared";
import type { HttpDatabase, Transaction } from "../../context.ts";

export const EXPERIMENT_LIMITS = { minVariants: 2, maxVariants: 10, maxWeight: 10_000, perWorkspace: 1_000 } as const;

export interface VariantInput {
  version_id: string;
  weight: number;
  key?: string | undefined;
}

export interface VariantRow {
  key: string;
  versionId: string;
  versionNumber: number;
  weight: number;
}

/** The label a variant gets when none is given: "control" first, then variant_1, variant_2, … */
export function defaultVariantKey(position: number): string {
  return position === 0 ? "control" : `variant_${position}`;
}

export function toExperimentView(experiment: Experiment, variants: readonly VariantRow[]) {
  return {
    id: experiment.id,
    prompt_id: experiment.promptId,
    environment: experiment.environment as Environment,
    name: experiment.name,
    description: experiment.description,
    status: experiment.status,
    primary_event: experiment.primaryEvent,
    variants: variants.map((variant, position) => ({
      key: variant.key,
      version_id: variant.versionId,
      version_number: variant.versionNumber,
      weight: variant.weight,
      is_control: position === 0,
    })),
    started_at: experiment.startedAt?.toISOString() ?? null,
    stopped_at: experiment.stoppedAt?.toISOString() ?? null,
    created_by_id: experiment.createdById,
    created_at: experiment.createdAt.toISOString(),
    updated_at: experiment.updatedAt.toISOString(),
  };
}

export type ExperimentView = ReturnType<typeof toExperimentView>;

/** What the audit log keeps of an experiment. */
export function auditedExperiment(view: ExperimentView): Record<string, unknown> {
  return {
    prompt_id: view.prompt_id,
    environment: view.environment,
    name: view.name,
    description: view.description,
    status: view.status,
    primary_event: view.primary_event,
    variants: view.variants.map((variant) => ({ key: variant.key, version_id: variant.version_id, weight: variant.weight })),
  };
}

/** Variants of the given experiments, in order (the control first). */
export async function loadVariants(db: Transaction | HttpDatabase, workspaceId: string, experimentIds: string[]): Promise<Map<string, VariantRow[]>> {
  const byExperiment = new Map<string, VariantRow[]>(experimentIds.map((id) => [id, []]));
  if (experimentIds.length === 0) return byExperiment;
  const rows = await db
    .select({ experimentId: experimentVariants.experimentId, key: experimentVariants.key, versionId: experimentVariants.versionId, weight: experimentVariants.weight, versionNumber: promptVersions.versionNumber })
    .from(experimentVariants)
    .innerJoin(promptVersions, and(eq(promptVersions.id, experimentVariants.versionId), eq(promptVersions.promptId, experimentVariants.promptId)))
    .where(and(eq(experimentVariants.workspaceId, workspaceId), inArray(experimentVariants.experimentId, experimentIds)))
    .orderBy(asc(experimentVariants.experimentId), asc(experimentVariants.position));
  for (const { experimentId, ...variant } of rows) byExperiment.get(experimentId)?.push(variant);
  return byExperiment;
}

/** One experiment of the workspace (locked for the transaction when `lock`), with its variants; 404 otherwise. */
export async function loadExperiment(db: Transaction | HttpDatabase, input: { workspaceId: string; experimentId: string; lock?: boolean }) {
  const query = db
    .select()
    .from(experiments)
    .where(and(eq(experiments.id, input.experimentId), eq(experiments.workspaceId, input.workspaceId)))
    .limit(1);
  const [experiment] = input.lock ? await query.for("update") : await query;
  if (!experiment) throw new ApiError("NOT_FOUND", "Experiment not found");
  const variants = (await loadVariants(db, input.workspaceId, [experiment.id])).get(experiment.id)!;
  return { experiment, variants, view: toExperimentView(experiment, variants) };
}

/**
 * Checks a submitted variant list against the prompt's versions and fills in default keys:
 * 404 for a version that is not the prompt's, 409 for a draft or archived one, 400 for keys
 * that repeat.
 */
export async function resolveVariants(tx: Transaction, input: { workspaceId: string; promptId: string; variants: readonly VariantInput[] }): Promise<VariantRow[]> {
  const resolved = input.variants.map((variant, position) => ({ key: variant.key ?? defaultVariantKey(position), versionId: variant.version_id, weight: variant.weight }));
  const keys = new Set(resolved.map((variant) => variant.key));
  if (keys.size !== resolved.length) throw new ApiError("VALIDATION_FAILED", "Variant keys must be unique within an experiment (defaults are control, variant_1, variant_2, …)");
  const versions = await tx
    .select({ id: promptVersions.id, versionNumber: promptVersions.versionNumber, status: promptVersions.status })
    .from(promptVersions)
    .where(and(eq(promptVersions.workspaceId, input.workspaceId), eq(promptVersions.promptId, input.promptId), inArray(promptVersions.id, [...new Set(resolved.map((variant) => variant.versionId))])));
  return resolved.map((variant) => {
    const version = versions.find((candidate) => candidate.id === variant.versionId);
    if (!version) throw new ApiError("NOT_FOUND", `Version not found for this prompt: ${variant.versionId}`);
    if (version.status === "draft") {
      throw new ApiError("CONFLICT", `Version ${version.versionNumber} is a draft; publish it to an environment (development will do) so it becomes immutable, then use it in an experiment`);
    }
    if (version.status === "archived") throw new ApiError("CONFLICT", `Version ${version.versionNumber} is archived and cannot be served`);
    return { ...variant, versionNumber: version.versionNumber };
  });
}
