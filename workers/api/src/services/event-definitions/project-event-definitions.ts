/**
 * The KV projection of a workspace's event definitions: one entry with all of them (an empty
 * list when there are none, so the edge's lookups stay in KV), written after the transaction
 * that changed them has committed. KV has no compare-and-set, so after writing it reads Postgres
 * again and rewrites until both agree: when two writers race, the last one to check leaves the
 * committed state behind.
 */
import { asc, eq } from "drizzle-orm";
import { eventDefinitions } from "@xr2/db/schema";
import { kvKeys, type EventDefinitionsRecord } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export async function readEventDefinitionsRecord(ctx: ServiceContext, workspaceId: string): Promise<EventDefinitionsRecord> {
  const rows = await ctx.http().select().from(eventDefinitions).where(eq(eventDefinitions.workspaceId, workspaceId)).orderBy(asc(eventDefinitions.eventName));
  return {
    workspace_id: workspaceId,
    definitions: rows.map((row) => ({ event_name: row.eventName, category: row.category, required_fields: row.requiredFields, optional_fields: row.optionalFields })),
  };
}

export async function projectEventDefinitions({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; expirationTtl?: number } }): Promise<EventDefinitionsRecord> {
  const key = kvKeys.eventDefinitions(input.workspaceId);
  let record = await readEventDefinitionsRecord(ctx, input.workspaceId);
  for (let attempt = 0; attempt < 3; attempt++) {
    const written = JSON.stringify(record);
    await ctx.kv.put(key, written, input.expirationTtl ? { expirationTtl: input.expirationTtl } : {});
    const current = await readEventDefinitionsRecord(ctx, input.workspaceId);
    if (JSON.stringify(current) === written) return record;
    record = current;
  }
  return record;
}
