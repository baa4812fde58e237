/**
 * Per-request services, built once by one middleware (and by the queue and RPC entry points):
 * handlers and services receive `ctx` and never construct clients themselves. The database
 * pool is opened lazily, because in workerd a pool must not outlive its request.
 */
import { createRedis, type Redis } from "@xr2/shared";
import { createHttpDb, createPoolDb } from "@xr2/db/client";
import * as schema from "@xr2/db/schema";
import type { ApiEnv } from "./env.ts";
import { unconfiguredMailer, type Mailer } from "./services/mail/mailer.ts";
import { createResendMailer } from "./services/mail/resend-mailer.ts";

export type PoolDatabase = ReturnType<typeof createPoolDb<typeof schema>>["db"];
/** The handle a `db().transaction(...)` callback receives. */
export type Transaction = Parameters<Parameters<PoolDatabase["transaction"]>[0]>[0];
export type HttpDatabase = ReturnType<typeof createHttpDb<typeof schema>>["db"];

export interface ServiceContext {
  env: ApiEnv;
  requestId: string;
  /** Interactive transactions (publishing, anything that changes more than one row). */
  db(): PoolDatabase;
  /** One-shot queries over HTTP: cheaper to open, no transactions. */
  http(): HttpDatabase;
  redis(): Redis;
  /** Resend (or the local inbox); without RESEND_API_KEY and MAIL_FROM, a mailer whose sends reject saying so. */
  mailer(): Mailer;
  kv: KVNamespace;
  /** Closes what was opened; call once when the request or batch is done. */
  dispose(): Promise<void>;
}

export function createServiceContext(env: ApiEnv, requestId: string): ServiceContext {
  let pool: ReturnType<typeof createPoolDb<typeof schema>> | undefined;
  let http: HttpDatabase | undefined;
  let redis: Redis | undefined;
  let mailer: Mailer | undefined;
  return {
    env,
    requestId,
    kv: env.PROMPTS_KV,
    db() {
      pool ??= createPoolDb({ databaseUrl: env.DATABASE_URL, localEndpoint: env.NEON_LOCAL_ENDPOINT, schema });
      return pool.db;
    },
    http() {
      http ??= createHttpDb({ databaseUrl: env.DATABASE_URL, localEndpoint: env.NEON_LOCAL_ENDPOINT, schema }).db;
      return http;
    },
    redis() {
      redis ??= createRedis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
      return redis;
    },
    mailer() {
      mailer ??=
        env.RESEND_API_KEY !== undefined && env.MAIL_FROM !== undefined
          ? createResendMailer({ apiKey: env.RESEND_API_KEY, from: env.MAIL_FROM, baseUrl: env.RESEND_BASE_URL })
          : unconfiguredMailer;
      return mailer;
    },
    async dispose() {
      await pool?.close();
      pool = undefined;
    },
  };
}
