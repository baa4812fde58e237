/**
 * Environment validation. Each worker describes its bindings and vars with a zod schema and
 * parses them at the entry of every handler (fetch, queue, scheduled). A missing or malformed
 * setting fails closed with a message naming the setting, never its value.
 */
import type * as z from "zod";
import { ApiError } from "./errors.ts";
import { log } from "./http.ts";

// Per schema, per env object: workerd hands every request of an isolate the same env object.
const parsed = new WeakMap<z.ZodType, WeakMap<object, unknown>>();

export function parseEnv<S extends z.ZodType>(schema: S, env: unknown): z.infer<S> {
  let cache = parsed.get(schema);
  if (!cache) parsed.set(schema, (cache = new WeakMap()));
  if (typeof env === "object" && env !== null) {
    const cached = cache.get(env);
    if (cached !== undefined) return cached as z.infer<S>;
  }
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    // Zod's and our messages name the setting and the rule, never the value (a secret, say).
    log("error", "worker configuration is invalid", { problems });
    throw new ApiError("MISCONFIGURED", `Worker configuration is invalid: ${problems.join("; ")}`);
  }
  if (typeof env === "object" && env !== null) cache.set(env, result.data);
  return result.data;
}

/** A KV namespace, queue or service binding: checked by shape, since their classes are not importable. */
export function isBinding(methods: string[]) {
  return (value: unknown): boolean =>
    typeof value === "object" && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function");
}
