// A local stand-in for Upstash's Redis REST endpoint, for local dev and tests only (production
// talks to Upstash). It lets the unmodified @upstash/redis and @upstash/ratelimit clients run
// against a Redis on this machine, or against memory when none is running, so code under test
// keeps the exact client and configuration shape it has in production.
// Protocol notes: /work/shared/spec/LOCAL-STACK.md, "Upstash Redis REST protocol".
//
// No key prefixing: ioredis's `keyPrefix` would prefix key arguments, but KEYS/SCAN would still
// see (and return prefixed) keys of every prefix, and scripts building key names from ARGV would
// escape it. Tests isolate themselves with unique key names instead; each memory-mode server
// already has its own store.
import type { AddressInfo } from "node:net";
import { openBackend } from "./backend.ts";
import { CommandRunner } from "./commands.ts";
import { createRestServer } from "./server.ts";

export interface RedisRestServer {
  url: string;
  token: string;
  backend: "redis" | "memory";
  close(): Promise<void>;
}

export interface RedisRestOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  token: string;
  /**
   * A redis:// URL (failing if it does not answer); undefined: redis://127.0.0.1:6379 if it answers
   * within ~300 ms, else memory; null: memory.
   */
  redisUrl?: string | null;
}

export async function startRedisRest(opts: RedisRestOptions): Promise<RedisRestServer> {
  if (!opts.token) throw new Error("startRedisRest: a non-empty token is required");
  const host = opts.host ?? "127.0.0.1";
  const backend = await openBackend(opts.redisUrl);
  const server = createRestServer(new CommandRunner(backend), opts.token);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject).listen(opts.port ?? 0, host, resolve);
    });
  } catch (error) {
    await backend.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    token: opts.token,
    backend: backend.kind,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await backend.close();
    },
  };
}
