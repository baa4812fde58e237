/**
 * Event definitions (E4) say which fields an event carries and of which type; the edge validates
 * incoming events of that name against them. Unique by event_name per workspace; at most
 * MAX_EVENT_DEFINITIONS per workspace, so the KV entry the edge reads stays small. After the
 * transaction commits, the workspace's definitions are written to KV.
 */
import { and, count, eq } from "drizzle-orm";
import { eventDefinitions, workspaces, type EventFieldDefinition } from "@xr2/db/schema";
import { ApiError, newId, PRODUCT_API_LIMITS } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { auditedDefinition, toEventDefinitionView } from "./event-definition-view.ts";
import { projectEventDefinitions } from "./project-event-definitions.ts";

export const MAX_EVENT_DEFINITIONS = 200;

export interface EventDefinitionFields {
  eventName: string;
  category: string;
  description: string | null;
  requiredFields: EventFieldDefinition[];
  optionalFields: EventFieldDefinition[];
}

/** A field named twice (in one list or in both) would make the definition ambiguous. */
export function assertFieldsConsistent(fields: Pick<EventFieldDefinition, "name">[]): void {
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw new ApiError("VALIDATION_FAILED", `Field '${field.name}' is defined twice`);
    seen.add(field.name);
  }
  if (fields.length > PRODUCT_API_LIMITS.eventFields) throw new ApiError("VALIDATION_FAILED", `An event has at most ${PRODUCT_API_LIMITS.eventFields} fields`);
}

export async function createEventDefinition({ ctx, input }: { ctx: ServiceContext; input: EventDefinitionFields & { workspaceId: string; actorUserId: string } }) {
  assertFieldsConsistent([...input.requiredFields, ...input.optionalFields]);
  const row = await ctx.db().transaction(async (tx) => {
    // Serialises creations per workspace so the cap holds under concurrent calls.
    await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, input.workspaceId)).for("update");
    const [existing] = await tx.select({ n: count() }).from(eventDefinitions).where(eq(eventDefinitions.workspaceId, input.workspaceId));
    if ((existing?.n ?? 0) >= MAX_EVENT_DEFINITIONS) throw new ApiError("CONFLICT", `A workspace has at most ${MAX_EVENT_DEFINITIONS} event definitions; delete unused ones first`);
    const [taken] = await tx
      .select({ id: eventDefinitions.id })
      .from(eventDefinitions)
      .where(and(eq(eventDefinitions.workspaceId, input.workspaceId), eq(eventDefinitions.eventName, input.eventName)))
      .limit(1);
    if (taken) throw new ApiError("CONFLICT", `The event '${input.eventName}' is already defined`);
    const [inserted] = await tx
      .insert(eventDefinitions)
      .values({
        id: newId("eventDefinition"),
        workspaceId: input.workspaceId,
        eventName: input.eventName,
        category: input.category,
        description: input.description,
        requiredFields: input.requiredFields,
        optionalFields: input.optionalFields,
        createdById: input.actorUserId,
      })
      .returning();
    await recordAudit(tx, ctx, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "event_definition.create", targetType: "event_definition", targetId: inserted!.id, after: auditedDefinition(inserted!) });
    return inserted!;
  });
  await projectEventDefinitions({ ctx, input: { workspaceId: input.workspaceId } });
  return toEventDefinitionView(row);
}
