/**
 * What the edge checks an SDK's exposures against (POST /api/v1/exposures): which of the
 * versions and experiments they name belong to the key's workspace, with the prompt each
 * belongs to and each experiment's variants. Anything of another workspace is simply absent, so
 * the edge refuses it as unknown. Versions never change prompt or workspace once written, which
 * lets the edge remember the answer.
 */
import { and, eq, inArray } from "drizzle-orm";
import { experiments, experimentVariants, promptVersions } from "@xr2/db/schema";
import type { ServedVersionOwners } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export async function resolveServedVersions({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; versionIds: readonly string[]; experimentIds: readonly string[] };
}): Promise<ServedVersionOwners> {
  const db = ctx.http();
  const [versions, variants] = await Promise.all([
    input.versionIds.length === 0
      ? []
      : db
          .select({ version_id: promptVersions.id, prompt_id: promptVersions.promptId })
          .from(promptVersions)
          .where(and(eq(promptVersions.workspaceId, input.workspaceId), inArray(promptVersions.id, [...input.versionIds]))),
    input.experimentIds.length === 0
      ? []
      : db
          .select({ experimentId: experiments.id, promptId: experiments.promptId, key: experimentVariants.key, versionId: experimentVariants.versionId })
          .from(experiments)
          .innerJoin(experimentVariants, and(eq(experimentVariants.experimentId, experiments.id), eq(experimentVariants.workspaceId, experiments.workspaceId)))
          .where(and(eq(experiments.workspaceId, input.workspaceId), inArray(experiments.id, [...input.experimentIds]))),
  ]);
  const owners = new Map<string, ServedVersionOwners["experiments"][number]>();
  for (const row of variants) {
    const experiment = owners.get(row.experimentId) ?? { experiment_id: row.experimentId, prompt_id: row.promptId, variants: [] };
    experiment.variants.push({ key: row.key, version_id: row.versionId });
    owners.set(row.experimentId, experiment);
  }
  return { versions, experiments: [...owners.values()] };
}
