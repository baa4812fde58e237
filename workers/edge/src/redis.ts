/** Upstash Redis for the edge: REST over fetch, so it works at the edge without a TCP socket. */
import { Redis } from "@upstash/redis/cloudflare";
import type { EdgeEnv } from "./env.ts";

export function createRedis(env: EdgeEnv): Redis {
  return new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, enableTelemetry: false, retry: { retries: 2, backoff: (attempt) => 25 * 2 ** attempt } });
}
