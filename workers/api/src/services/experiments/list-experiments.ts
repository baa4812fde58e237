/**
 * The workspace's experiments, newest first, filtered by status, prompt and environment, a page
 * at a time. The cursor holds the last row's created_at (as text with microseconds, the
 * database's precision) and id; rows are ordered by (created_at, id), so a walk through all pages
 * sees every row once, even when the anchor row was deleted meanwhile.
 */
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import * as z from "zod";
import { experiments, type ExperimentStatus } from "@xr2/db/schema";
import type { Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";
import { loadVariants, toExperimentView } from "./experiment-view.ts";

export interface ListExperimentsInput {
  workspaceId: string;
  status?: ExperimentStatus | undefined;
  promptId?: string | undefined;
  environment?: Environment | undefined;
  limit: number;
  cursor?: string | undefined;
}

const cursorSchema = z.tuple([z.string().max(40), z.string().max(64)]);

export async function listExperiments({ ctx, input }: { ctx: ServiceContext; input: ListExperimentsInput }) {
  const db = ctx.http();
  const createdAt = sql<string>`to_char(${experiments.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const conditions: SQL[] = [eq(experiments.workspaceId, input.workspaceId)];
  if (input.status !== undefined) conditions.push(eq(experiments.status, input.status));
  if (input.promptId !== undefined) conditions.push(eq(experiments.promptId, input.promptId));
  if (input.environment !== undefined) conditions.push(eq(experiments.environment, input.environment));
  if (input.cursor !== undefined) {
    const [value, id] = decodeCursor(input.cursor, cursorSchema.refine(([value]) => !Number.isNaN(Date.parse(value)), "not a timestamp"));
    conditions.push(sql`(${experiments.createdAt}, ${experiments.id}) < (${value}::timestamptz, ${id}::text)`);
  }
  const rows = await db
    .select({ experiment: experiments, createdAt })
    .from(experiments)
    .where(and(...conditions))
    .orderBy(desc(experiments.createdAt), desc(experiments.id))
    .limit(input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => [last.createdAt, last.experiment.id]);
  const variants = await loadVariants(db, input.workspaceId, page.map((row) => row.experiment.id));
  return {
    experiments: page.map((row) => toExperimentView(row.experiment, variants.get(row.experiment.id)!)),
    next_cursor,
  };
}
