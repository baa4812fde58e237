/**
 * The safety net of workspace deletion: a purge QStash never took (API_PUBLIC_URL unset, QStash
 * down, its retries used up) would leave a deleted workspace's rows for good, and the workspace
 * cannot be deleted again (it answers 404). The scheduled aggregation job calls this on every
 * run: it purges, within one purge call's bounded batches, the workspace deleted longest ago
 * whose rows are still there, once its own job has had SWEEP_AFTER_MINUTES to do it.
 */
import { and, asc, isNotNull, lt, sql } from "drizzle-orm";
import { workspaces } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { purgeWorkspace, type PurgeReport } from "./purge-workspace.ts";

export const SWEEP_AFTER_MINUTES = 15;

export async function sweepDeletedWorkspaces({ ctx }: { ctx: ServiceContext }): Promise<PurgeReport | null> {
  const [stale] = await ctx
    .http()
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(and(isNotNull(workspaces.deletedAt), lt(workspaces.deletedAt, sql`now() - make_interval(mins => ${SWEEP_AFTER_MINUTES})`)))
    .orderBy(asc(workspaces.deletedAt))
    .limit(1);
  if (!stale) return null;
  return purgeWorkspace({ ctx, input: { workspaceId: stale.id } });
}
