/**
 * Upstash Redis over REST (fetch), as both workers use it. Retries are few and short: callers on
 * the request path would rather degrade than wait for a Redis that is down.
 */
import { Redis } from "@upstash/redis/cloudflare";

export function createRedis(config: { url: string; token: string; retries?: number }): Redis {
  return new Redis({ url: config.url, token: config.token, enableTelemetry: false, retry: { retries: config.retries ?? 2, backoff: (attempt) => 25 * 2 ** attempt } });
}
export type { Redis } from "@upstash/redis/cloudflare";
