/**
 * Turns one event as a client sent it into the event the queue carries, or into the reason it is
 * refused. Checks, in order: the shape and limits of eventInputSchema; the timestamp's range;
 * the workspace's definition of the event, when it has one; the size of the result.
 *
 * Events without a definition are accepted (apps send events before anyone defines them) and
 * answered with `declared: false`. Once an event is defined, its events are checked strictly:
 * every required field present and not null, every field declared (required or optional) and of
 * its declared type (optional ones may be null), and the category, when sent, the defined one.
 *
 * A client that sends no event_id gets one derived from the event's content (workspace,
 * trace_id, event_name, fields and the client's timestamp) by SHA-256, so resending the same
 * payload, as a retrying client does, is stored once. Without a timestamp, two identical events
 * of one trace are therefore one event: clients that mean two send an event_id or a timestamp.
 */
import { PRODUCT_API_LIMITS, describeIssue, describeIssueWithField, eventInputSchema, sha256Hex, type EventDefinitionRecord, type EventItemResult, type QueuedEvent } from "@xr2/shared";
import { clientTimeProblem } from "./client-time.ts";
import type { EventDefinitions } from "./load-event-definitions.ts";

export type EventVerdict =
  | { accepted: true; event: QueuedEvent; declared: boolean }
  | { accepted: false; eventId: string | null; error: NonNullable<EventItemResult["error"]> };

const encoder = new TextEncoder();

export async function acceptEvent(item: unknown, context: { workspaceId: string; definitions: EventDefinitions; now: Date }): Promise<EventVerdict> {
  const clientEventId = typeof (item as { event_id?: unknown } | null)?.event_id === "string" ? ((item as { event_id: string }).event_id.slice(0, PRODUCT_API_LIMITS.eventIdChars) || null) : null;
  const refuse = (message: string, code: "VALIDATION_FAILED" | "PAYLOAD_TOO_LARGE" = "VALIDATION_FAILED"): EventVerdict => ({ accepted: false, eventId: clientEventId, error: { code, message } });

  if (typeof item !== "object" || item === null || Array.isArray(item)) return refuse("Each event must be a JSON object");
  const parsed = eventInputSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return refuse(issue.path.length > 0 ? describeIssueWithField(issue) : describeIssue(issue));
  }
  const input = parsed.data;

  let occurredAt = context.now;
  if (input.timestamp !== undefined) {
    occurredAt = new Date(input.timestamp);
    const problem = clientTimeProblem("timestamp", occurredAt, context.now);
    if (problem) return refuse(problem);
  }

  const definition = context.definitions.get(input.event_name);
  let category = input.category ?? null;
  if (definition) {
    const problem = checkAgainstDefinition(input.fields, definition);
    if (problem) return refuse(problem);
    if (category !== null && category !== definition.category) return refuse(`category: '${input.event_name}' is defined with category '${definition.category}'`);
    category = definition.category;
  }

  const event: QueuedEvent = {
    event_id: input.event_id ?? deriveEventId(context.workspaceId, input.trace_id, input.event_name, input.fields, input.timestamp === undefined ? null : occurredAt),
    trace_id: input.trace_id,
    event_name: input.event_name,
    category,
    fields: input.fields,
    occurred_at: occurredAt.toISOString(),
  };
  const bytes = encoder.encode(JSON.stringify(event)).length;
  if (bytes > PRODUCT_API_LIMITS.eventBytes) return refuse(`The event is ${bytes} bytes; at most ${PRODUCT_API_LIMITS.eventBytes} are accepted`, "PAYLOAD_TOO_LARGE");
  return { accepted: true, event, declared: definition !== undefined };
}

/** The first way `fields` breaks the definition, or null. */
function checkAgainstDefinition(fields: Record<string, string | number | boolean | null>, definition: EventDefinitionRecord): string | null {
  for (const field of definition.required_fields) {
    const value = fields[field.name];
    if (value === undefined || value === null) return `fields.${field.name}: required by the definition of '${definition.event_name}'`;
  }
  const declared = new Map([...definition.required_fields, ...definition.optional_fields].map((field) => [field.name, field.type]));
  for (const [name, value] of Object.entries(fields)) {
    const type = declared.get(name);
    if (type === undefined) return `fields.${name}: not a field of '${definition.event_name}' (define it, or leave it out)`;
    if (value !== null && typeof value !== type) return `fields.${name}: must be a ${type}, got ${typeof value}`;
  }
  return null;
}

/** A stable id for an event sent without one: the same content always gives the same id. */
export function deriveEventId(workspaceId: string, traceId: string, eventName: string, fields: Record<string, unknown>, timestamp: Date | null): string {
  const canonicalFields = Object.keys(fields)
    .sort()
    .map((name) => [name, fields[name]]);
  const digest = sha256Hex(JSON.stringify(["xr2-event-v1", workspaceId, traceId, eventName, canonicalFields, timestamp?.toISOString() ?? null]));
  return `evt_${digest.slice(0, 32)}`;
}
