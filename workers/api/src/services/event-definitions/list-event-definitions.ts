import { asc, eq } from "drizzle-orm";
import { eventDefinitions } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { MAX_EVENT_DEFINITIONS } from "./create-event-definition.ts";
import { toEventDefinitionView } from "./event-definition-view.ts";

/** Every event definition of the workspace (at most MAX_EVENT_DEFINITIONS), by event name. */
export async function listEventDefinitions({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const rows = await ctx
    .http()
    .select()
    .from(eventDefinitions)
    .where(eq(eventDefinitions.workspaceId, input.workspaceId))
    .orderBy(asc(eventDefinitions.eventName))
    // The cap is checked under a lock, but a margin costs nothing and keeps every row listed.
    .limit(MAX_EVENT_DEFINITIONS * 2);
  return rows.map(toEventDefinitionView);
}
