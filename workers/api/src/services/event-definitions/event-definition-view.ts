/** The public shape of an event definition, shared by every /api/event-definitions answer. */
import type { EventDefinition } from "@xr2/db/schema";

export function toEventDefinitionView(row: EventDefinition) {
  return {
    id: row.id,
    event_name: row.eventName,
    category: row.category,
    description: row.description,
    required_fields: row.requiredFields,
    optional_fields: row.optionalFields,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export type EventDefinitionView = ReturnType<typeof toEventDefinitionView>;

/** What an audit row records of a definition. */
export function auditedDefinition(row: EventDefinition) {
  return { event_name: row.eventName, category: row.category, description: row.description, required_fields: row.requiredFields, optional_fields: row.optionalFields };
}
