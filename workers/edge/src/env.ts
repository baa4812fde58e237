/** The edge worker's bindings and vars, validated once per isolate at the entry of each handler. */
import * as z from "zod";
import { isBinding, rateLimitOverridesSchema, type EdgeBackend, type RequestVariables } from "@xr2/shared";

/** `true`/`false` from `[vars]`, or the strings "true"/"false" (also 1/0, yes/no) from secrets and `.dev.vars`. */
const flag = z.union([z.boolean(), z.stringbool()]);

export const edgeEnvSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]),
  PROMPTS_KV: z.custom<KVNamespace>(isBinding(["get", "put"]), "must be a KV namespace binding"),
  EVENTS_QUEUE: z.custom<Queue<unknown>>(isBinding(["send", "sendBatch"]), "must be a queue producer binding"),
  API: z.custom<Service & EdgeBackend>(isBinding(["fetch"]), "must be a service binding to the API worker"),
  UPSTASH_REDIS_REST_URL: z.url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  /** Per-policy changes to the shared rate-limit table, as JSON (see rate-limit-policies.ts). */
  RATE_LIMIT_OVERRIDES: rateLimitOverridesSchema.optional().default({}),
  /** How long a request waits for Redis before treating the limiter as unavailable. */
  RATE_LIMIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(1_000).default(50),
  /** How long an isolate admits requests on a rate-limit lease before asking Redis again. */
  RATE_LIMIT_LEASE_MS: z.coerce.number().int().min(1).max(10_000).default(250),
  /** When Redis is unavailable: false lets requests through (the default), true answers 503. */
  RATE_LIMIT_FAIL_CLOSED: flag.default(false),
});

export type EdgeEnv = z.infer<typeof edgeEnvSchema>;

export type EdgeHono = {
  Bindings: Record<string, unknown>;
  Variables: RequestVariables & { env: EdgeEnv; /** The trace id a get-prompt minted, also when it was refused (for the request log). */ traceId?: string };
};
