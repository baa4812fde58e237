// What the REST layer needs from a Redis: run one command, run a batch atomically, shut down.
// Two implementations: a real Redis through ioredis, and ioredis-mock in memory when no Redis
// answers. Both reject with Redis-style messages ("WRONGTYPE …", "ERR …") so the REST layer can
// hand them to the client unchanged.
import type { Command } from "./commands.ts";
import { connectRedisBackend } from "./redis-backend.ts";
import { createMemoryBackend } from "./memory-backend.ts";

export type Outcome = { result: unknown } | { error: string };

export interface Backend {
  readonly kind: "redis" | "memory";
  run(command: Command): Promise<unknown>;
  /** All commands or none (EXECABORT rejects); per-command outcomes like EXEC. */
  transaction(commands: Command[]): Promise<Outcome[]>;
  close(): Promise<void>;
}

const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
const PROBE_TIMEOUT_MS = 300;

/** undefined: the local Redis if it answers quickly, else memory; null: memory; a URL: that Redis or fail. */
export async function openBackend(redisUrl: string | null | undefined): Promise<Backend> {
  if (redisUrl === null) return createMemoryBackend();
  if (redisUrl !== undefined) return connectRedisBackend(redisUrl, PROBE_TIMEOUT_MS);
  try {
    return await connectRedisBackend(DEFAULT_REDIS_URL, PROBE_TIMEOUT_MS);
  } catch {
    return createMemoryBackend();
  }
}

export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Redis errors start with an upper-case code (ERR, WRONGTYPE, NOSCRIPT, EXECABORT, …).
  return /^[A-Z]+ /.test(message) ? message : `ERR ${message}`;
}
