/**
 * The purge job's work: removes every row of a deleted workspace, table by table in bounded
 * batches (a workspace can hold millions of events and exposures; one cascading DELETE would
 * hold its locks and its WAL for as long as that takes). The tables are found in the schema —
 * every table with a workspace_id column — so a table added later is purged without a change
 * here. Tables go in foreign-key order, referencing tables first, so no batch cascades into
 * another table. The workspace row goes last; its ON DELETE CASCADE takes whatever arrived
 * meanwhile (late events from the queue). Each batch commits on its own: a run that stops
 * anywhere is continued by the next, and running it twice deletes nothing twice.
 *
 * It refuses a workspace that is not marked deleted, so a mistaken delivery cannot erase one.
 */
import { eq, is, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import * as schema from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { removeWorkspaceProjection } from "./remove-workspace-projection.ts";

export const PURGE_LIMITS = {
  rowsPerBatch: 5_000,
  batchesPerCall: 40,
} as const;

export interface PurgeReport {
  workspace_id: string;
  rows_deleted: number;
  /** Batches that deleted rows (at most batchesPerCall). */
  batches: number;
  /** True when rows remain: call again (the job queues its own continuation). */
  more: boolean;
}

/** Every workspace-scoped table, each before the tables it references. */
export const WORKSPACE_TABLES: readonly PgTable[] = workspaceScopedTables();

function workspaceScopedTables(): PgTable[] {
  const tables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable) && value !== schema.workspaces);
  const scoped = tables.filter((table) => getTableConfig(table).columns.some((column) => column.name === "workspace_id"));
  const references = new Map(scoped.map((table) => [table, getTableConfig(table).foreignKeys.map((key) => key.reference().foreignTable)]));
  const ordered: PgTable[] = [];
  const visiting = new Set<PgTable>();
  // Depth-first: a table is placed once every table referencing it is placed (cycles, such as
  // environments ↔ deployments through nullable pointers, are broken where they are met).
  const place = (table: PgTable) => {
    if (ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const [other, targets] of references) if (other !== table && targets.includes(table)) place(other);
    visiting.delete(table);
    ordered.push(table);
  };
  for (const table of scoped) place(table);
  return ordered;
}

export async function purgeWorkspace({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; rowsPerBatch?: number; batchesPerCall?: number } }): Promise<PurgeReport> {
  const rowsPerBatch = input.rowsPerBatch ?? PURGE_LIMITS.rowsPerBatch;
  const batchesPerCall = input.batchesPerCall ?? PURGE_LIMITS.batchesPerCall;
  const report: PurgeReport = { workspace_id: input.workspaceId, rows_deleted: 0, batches: 0, more: false };
  const db = ctx.db();
  const [workspace] = await db.select({ deletedAt: schema.workspaces.deletedAt }).from(schema.workspaces).where(eq(schema.workspaces.id, input.workspaceId)).limit(1);
  // Already purged (a repeated delivery): nothing to do.
  if (!workspace) return report;
  if (workspace.deletedAt === null) throw new ApiError("CONFLICT", "This workspace is not deleted; only a deleted workspace's rows are purged");

  // Again, while the keys' rows still name their hashes: undoes a back-fill that raced the deletion.
  await removeWorkspaceProjection({ ctx, input: { workspaceId: input.workspaceId } });

  for (const table of WORKSPACE_TABLES) {
    for (;;) {
      if (report.batches >= batchesPerCall) {
        report.more = true;
        return report;
      }
      // By ctid, so one statement fits every table whatever its key; = any(array(…)) lets Postgres fetch the rows by ctid.
      const result = await db.execute(sql`
        delete from ${table} where ctid = any(array(
          select ctid from ${table} where workspace_id = ${input.workspaceId} limit ${rowsPerBatch}))`);
      const deleted = result.rowCount ?? 0;
      // Only batches that deleted something count: every call starts again at the first table,
      // so counting the empty ones would let the emptied tables use up each call's budget.
      if (deleted > 0) report.batches++;
      report.rows_deleted += deleted;
      if (deleted < rowsPerBatch) break;
    }
  }
  const gone = await db.delete(schema.workspaces).where(sql`${schema.workspaces.id} = ${input.workspaceId} and ${schema.workspaces.deletedAt} is not null`).returning({ id: schema.workspaces.id });
  report.rows_deleted += gone.length;
  return report;
}
