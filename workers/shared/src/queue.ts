/** Messages the edge worker puts on the events queue and the API worker consumes. */
import * as z from "zod";
import { ENVIRONMENTS } from "./kv.ts";

export const exposureMessageSchema = z.object({
  type: z.literal("exposure"),
  trace_id: z.string(),
  workspace_id: z.string(),
  prompt_id: z.string(),
  version_id: z.string(),
  environment: z.enum(ENVIRONMENTS),
  source: z.string().max(64).nullable(),
  variant: z.string().nullable(),
  unit_id: z.string().nullable(),
  api_key_id: z.string().nullable(),
  latency_ms: z.number().nonnegative(),
  /** "error" when the version was found but could not be served (e.g. invalid variables). */
  status: z.enum(["success", "error"]).default("success"),
  error_code: z.string().max(64).nullable().default(null),
  served_at: z.iso.datetime({ offset: true }),
});
export type ExposureMessage = z.infer<typeof exposureMessageSchema>;

/** Sent by the edge's /health to prove the producer binding works; the consumer drops it. */
export const healthProbeMessageSchema = z.object({ type: z.literal("health_probe"), sent_at: z.string() });

export const queueMessageSchema = z.discriminatedUnion("type", [exposureMessageSchema, healthProbeMessageSchema]);
export type QueueMessage = z.infer<typeof queueMessageSchema>;
export type HealthProbeMessage = z.infer<typeof healthProbeMessageSchema>;
