/** The API worker's bindings, vars and secrets, validated at the entry of each handler. */
import * as z from "zod";
import { isBinding } from "@xr2/shared";

export const apiEnvSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string"),
  /** Set only for the local stack: where the Neon WebSocket proxy and SQL-over-HTTP endpoint listen. */
  NEON_LOCAL_ENDPOINT: z.url().optional(),
  PROMPTS_KV: z.custom<KVNamespace>(isBinding(["get", "put", "delete", "list"]), "must be a KV namespace binding"),
  UPSTASH_REDIS_REST_URL: z.url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  QSTASH_URL: z.url(),
  QSTASH_TOKEN: z.string().min(1),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1),
  /** Origins of the management site allowed to call this API from a browser (comma-separated). */
  ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.url())),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters"),
  ENCRYPTION_KEY: z.base64().refine((value) => atob(value).length === 32, "must be 32 bytes, base64-encoded"),
});

export type ApiEnv = z.infer<typeof apiEnvSchema>;
