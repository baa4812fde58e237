import { and, eq } from "drizzle-orm";
import { eventDefinitions } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { auditedDefinition } from "./event-definition-view.ts";
import { projectEventDefinitions } from "./project-event-definitions.ts";

/** Deletes a definition; events of that name stay, and new ones are accepted unvalidated. */
export async function deleteEventDefinition({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; eventDefinitionId: string } }) {
  await ctx.db().transaction(async (tx) => {
    const [deleted] = await tx
      .delete(eventDefinitions)
      .where(and(eq(eventDefinitions.id, input.eventDefinitionId), eq(eventDefinitions.workspaceId, input.workspaceId)))
      .returning();
    if (!deleted) throw new ApiError("NOT_FOUND", "Event definition not found");
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "event_definition.delete", targetType: "event_definition", targetId: deleted.id, before: auditedDefinition(deleted) });
  });
  await projectEventDefinitions({ ctx, input: { workspaceId: input.workspaceId } });
}
