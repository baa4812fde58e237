/** The public shapes of /api/event-definitions. */
import { z } from "@hono/zod-openapi";
import { EVENT_FIELD_TYPES, eventCategorySchema, eventFieldNameSchema, eventNameSchema, PRODUCT_API_LIMITS } from "@xr2/shared";

export const eventDefinitionIdParam = z.object({
  eventDefinitionId: z.string().max(64).openapi({ param: { name: "eventDefinitionId", in: "path" }, example: "evd_01j…" }),
});

export const eventFieldSchema = z.strictObject({ name: eventFieldNameSchema, type: z.enum(EVENT_FIELD_TYPES) }).openapi("EventField");
const fieldListSchema = z.array(eventFieldSchema).max(PRODUCT_API_LIMITS.eventFields);

export const eventDefinitionBodyFields = {
  event_name: eventNameSchema,
  category: eventCategorySchema.describe("Free-form grouping, e.g. conversion or engagement"),
  description: z.string().trim().max(1000).nullable(),
  required_fields: fieldListSchema.openapi({ description: "Fields every event of this name must carry, with their types" }),
  optional_fields: fieldListSchema.openapi({ description: "Fields it may carry; any other field is refused" }),
};

export const eventDefinitionSchema = z
  .object({
    id: z.string(),
    event_name: z.string(),
    category: z.string(),
    description: z.string().nullable(),
    required_fields: z.array(eventFieldSchema),
    optional_fields: z.array(eventFieldSchema),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("EventDefinition");
