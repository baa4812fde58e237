/** Answer shapes of the trace explorer's routes. */
import { z } from "@hono/zod-openapi";
import { ENVIRONMENTS } from "@xr2/shared";
import { TRACE_ITEM_KINDS, TRACE_ITEM_STATUSES } from "../../services/traces/list-traces.ts";

export const traceIdParam = z.object({
  traceId: z.string().min(1).max(64).openapi({ param: { name: "traceId", in: "path" }, example: "tr_01j…" }),
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const chatMessage = z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() });

export const traceItemSchema = z
  .object({
    kind: z.enum(TRACE_ITEM_KINDS).openapi({ description: "exposure: a get-prompt answer; event: a business event sent with a trace id" }),
    id: z.string().openapi({ description: "The event's id, or the trace id of an exposure" }),
    trace_id: z.string(),
    at: z.string().openapi({ description: "When the exposure was served or the event occurred" }),
    status: z.enum(TRACE_ITEM_STATUSES).openapi({ description: "served / error for exposures; attributed (its trace has an exposure) / unattributed (none found) for events" }),
    prompt_id: z.string().nullable(),
    prompt_slug: z.string().nullable(),
    prompt_name: z.string().nullable(),
    version_id: z.string().nullable(),
    version_number: z.number().int().nullable(),
    variant: z.string().nullable(),
    environment: z.enum(ENVIRONMENTS).nullable(),
    unit_id: z.string().nullable(),
    api_key_id: z.string().nullable(),
    api_key_name: z.string().nullable(),
    latency_ms: z.number().nullable().openapi({ description: "Exposures: time the edge spent answering" }),
    error_code: z.string().nullable(),
    event_name: z.string().nullable(),
    category: z.string().nullable(),
  })
  .openapi("TraceItem");

export const traceSchema = z
  .object({
    trace_id: z.string(),
    exposure: z
      .object({
        served_at: z.string(),
        received_at: z.string(),
        prompt_id: z.string(),
        prompt_slug: z.string().nullable().openapi({ description: "Null when the prompt was deleted since" }),
        prompt_name: z.string().nullable(),
        version_id: z.string(),
        version_number: z.number().int().nullable(),
        environment: z.enum(ENVIRONMENTS),
        variant: z.string().nullable(),
        experiment_id: z.string().nullable(),
        experiment_name: z.string().nullable(),
        source: z.string().nullable(),
        unit_id: z.string().nullable(),
        api_key_id: z.string().nullable(),
        api_key_name: z.string().nullable(),
        latency_ms: z.number().openapi({ description: "Time the edge spent answering, whole milliseconds" }),
        status: z.enum(["success", "error"]),
        error_code: z.string().nullable(),
        origin: z.enum(["network", "cache", "stale", "bootstrap"]).nullable().openapi({ description: "Null when the edge rendered it; otherwise how the SDK that reported it served it" }),
        values: z.record(z.string(), scalar).nullable().openapi({ description: "The values rendered with; null when not kept (SDK reports, older exposures, values over 512 characters of JSON)" }),
        rendered: z.object({
          status: z.enum(["re_rendered", "values_not_recorded", "version_deleted", "refused", "not_renderable"]).openapi({
            description: "re_rendered: the text below, rendered again from the version with the kept values (the edge does not store the text); otherwise why there is none",
          }),
          content: z.string().nullable(),
          messages: z.array(chatMessage).nullable(),
        }),
      })
      .nullable()
      .openapi({ description: "The get-prompt answer; null when no exposure has this trace id (its events are unattributed)" }),
    events: z.array(
      z.object({
        event_id: z.string(),
        event_name: z.string(),
        category: z.string().nullable(),
        fields: z.record(z.string(), z.union([scalar, z.null()])),
        occurred_at: z.string(),
        received_at: z.string(),
      }),
    ),
    events_truncated: z.boolean().openapi({ description: "True when the trace has more events than the 500 listed (oldest first)" }),
  })
  .openapi("Trace");
