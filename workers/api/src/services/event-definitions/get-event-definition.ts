import { and, eq } from "drizzle-orm";
import { eventDefinitions } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { toEventDefinitionView } from "./event-definition-view.ts";

/** One event definition of the workspace; 404 otherwise. */
export async function getEventDefinition({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; eventDefinitionId: string } }) {
  const [row] = await ctx
    .http()
    .select()
    .from(eventDefinitions)
    .where(and(eq(eventDefinitions.id, input.eventDefinitionId), eq(eventDefinitions.workspaceId, input.workspaceId)))
    .limit(1);
  if (!row) throw new ApiError("NOT_FOUND", "Event definition not found");
  return toEventDefinitionView(row);
}
