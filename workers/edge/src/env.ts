/** The edge worker's bindings and vars, validated once per isolate at the entry of each handler. */
import * as z from "zod";
import { isBinding, type EdgeBackend, type RequestVariables } from "@xr2/shared";

export const edgeEnvSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]),
  PROMPTS_KV: z.custom<KVNamespace>(isBinding(["get", "put"]), "must be a KV namespace binding"),
  EVENTS_QUEUE: z.custom<Queue<unknown>>(isBinding(["send", "sendBatch"]), "must be a queue producer binding"),
  API: z.custom<Service & EdgeBackend>(isBinding(["fetch"]), "must be a service binding to the API worker"),
  UPSTASH_REDIS_REST_URL: z.url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
});

export type EdgeEnv = z.infer<typeof edgeEnvSchema>;

export type EdgeHono = {
  Bindings: Record<string, unknown>;
  Variables: RequestVariables & { env: EdgeEnv };
};
