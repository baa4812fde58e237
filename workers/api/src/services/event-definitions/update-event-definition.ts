import { and, eq, ne } from "drizzle-orm";
import { eventDefinitions, type EventFieldDefinition } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { assertFieldsConsistent } from "./create-event-definition.ts";
import { auditedDefinition, toEventDefinitionView } from "./event-definition-view.ts";
import { projectEventDefinitions } from "./project-event-definitions.ts";

export interface EventDefinitionChanges {
  eventName?: string | undefined;
  category?: string | undefined;
  description?: string | null | undefined;
  requiredFields?: EventFieldDefinition[] | undefined;
  optionalFields?: EventFieldDefinition[] | undefined;
}

/** Changes the given parts of a definition; the edge validates by the new one within seconds. */
export async function updateEventDefinition({ ctx, input }: { ctx: ServiceContext; input: EventDefinitionChanges & { workspaceId: string; actorUserId: string; eventDefinitionId: string } }) {
  const row = await ctx.db().transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(eventDefinitions)
      .where(and(eq(eventDefinitions.id, input.eventDefinitionId), eq(eventDefinitions.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!before) throw new ApiError("NOT_FOUND", "Event definition not found");
    const requiredFields = input.requiredFields ?? before.requiredFields;
    const optionalFields = input.optionalFields ?? before.optionalFields;
    assertFieldsConsistent([...requiredFields, ...optionalFields]);
    if (input.eventName !== undefined && input.eventName !== before.eventName) {
      const [taken] = await tx
        .select({ id: eventDefinitions.id })
        .from(eventDefinitions)
        .where(and(eq(eventDefinitions.workspaceId, input.workspaceId), eq(eventDefinitions.eventName, input.eventName), ne(eventDefinitions.id, before.id)))
        .limit(1);
      if (taken) throw new ApiError("CONFLICT", `The event '${input.eventName}' is already defined`);
    }
    const [after] = await tx
      .update(eventDefinitions)
      .set({
        ...(input.eventName === undefined ? {} : { eventName: input.eventName }),
        ...(input.category === undefined ? {} : { category: input.category }),
        ...(input.description === undefined ? {} : { description: input.description }),
        requiredFields,
        optionalFields,
      })
      .where(and(eq(eventDefinitions.id, before.id), eq(eventDefinitions.workspaceId, input.workspaceId)))
      .returning();
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "event_definition.update",
      targetType: "event_definition",
      targetId: before.id,
      before: auditedDefinition(before),
      after: auditedDefinition(after!),
    });
    return after!;
  });
  await projectEventDefinitions({ ctx, input: { workspaceId: input.workspaceId } });
  return toEventDefinitionView(row);
}
