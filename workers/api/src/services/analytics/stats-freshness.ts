/**
 * How fresh the aggregated statistics are, for the dashboard's "as of 12:03": the aggregation
 * job's watermark (every exposure and event received up to it has been read) and how many hours
 * of this workspace it has read but not yet recomputed (their figures move on the next run).
 * The watermark is the job's, shared by every workspace; it says nothing of another workspace's
 * data. Null before the job has ever run.
 */
import { sql } from "drizzle-orm";
import { aggregationPendingBuckets, aggregationState } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { AGGREGATION_JOB, isoText } from "../aggregation/mark-pending-buckets.ts";

export interface StatsFreshness {
  data_as_of: string | null;
  hours_pending: number;
}

export async function statsFreshness(ctx: ServiceContext, workspaceId: string): Promise<StatsFreshness> {
  const result = await ctx.http().execute<{ data_as_of: string | null; hours_pending: number }>(sql`
    select
      (select ${isoText(sql`received_through`)} from ${aggregationState} where name = ${AGGREGATION_JOB} and received_through > 'epoch') as data_as_of,
      (select count(*)::int from ${aggregationPendingBuckets} where workspace_id = ${workspaceId}) as hours_pending`);
  const row = result.rows[0];
  return { data_as_of: row?.data_as_of ?? null, hours_pending: Number(row?.hours_pending ?? 0) };
}
