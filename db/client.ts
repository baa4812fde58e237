// The one place the app creates database clients: the workers (inside workerd) and Node scripts
// both come here, so "cloud Neon or the local stand-in (local/neon)" is decided by a single
// optional `localEndpoint`, e.g. the NEON_LOCAL_ENDPOINT var set by the local stack.
//
// Pool (WebSockets): interactive transactions. In workerd a Pool — its sockets — belongs to the
// request that opened it: create one per request (or per queue batch) and `close()` it in
// `ctx.waitUntil(...)`; never keep one in module scope.
// HTTP (`neon()`): one-shot queries, nothing to close; drizzle's neon-http has no `transaction()`.
// Creating a neon-http drizzle also makes the driver's process-wide parsers return date, time and
// interval values as text, so raw Pool/neon() queries in that isolate get strings for them;
// drizzle's own columns are unaffected.
//
// WebSocket constructor: workerd (and Node 22+) have a global `WebSocket`, which the driver uses.
// Node 20 has none, and this module is bundled into workers, so it does not import `ws`: Node
// callers pass it as `webSocketConstructor` (`import ws from "ws"`).
import { neon, neonConfig, Pool } from "@neondatabase/serverless";
import type { NeonConfig } from "@neondatabase/serverless";
import { drizzle as drizzleHttp } from "drizzle-orm/neon-http";
import { drizzle as drizzlePool } from "drizzle-orm/neon-serverless";

type Schema = Record<string, unknown>;

const cloudDefaults = {
  wsProxy: neonConfig.wsProxy,
  useSecureWebSocket: neonConfig.useSecureWebSocket,
  pipelineTLS: neonConfig.pipelineTLS,
  pipelineConnect: neonConfig.pipelineConnect,
  fetchEndpoint: neonConfig.fetchEndpoint,
};

/**
 * Points the Neon driver at a local endpoint (`http://127.0.0.1:PORT`: WebSocket proxy at /v1,
 * SQL over HTTP at /sql), or back at Neon's cloud defaults when `localEndpoint` is undefined.
 * neonConfig is process-wide; the result depends only on the argument, so repeated calls are safe.
 */
export function configureNeon(localEndpoint?: string): void {
  if (localEndpoint === undefined) {
    neonConfig.wsProxy = cloudDefaults.wsProxy;
    neonConfig.useSecureWebSocket = cloudDefaults.useSecureWebSocket;
    neonConfig.pipelineTLS = cloudDefaults.pipelineTLS;
    neonConfig.pipelineConnect = cloudDefaults.pipelineConnect;
    neonConfig.fetchEndpoint = cloudDefaults.fetchEndpoint;
    return;
  }
  const endpoint = new URL(localEndpoint);
  // The driver dials `ws://${wsProxy}?address=${host}:${port}`.
  neonConfig.wsProxy = `${endpoint.host}/v1`;
  // Plain ws:// and a plain Postgres connection; the local proxy speaks no TLS.
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.fetchEndpoint = new URL("/sql", endpoint).href;
}

interface DbOptions<TSchema extends Schema> {
  databaseUrl: string;
  /** The local stand-in's endpoint; undefined for Neon's cloud. */
  localEndpoint?: string | undefined;
  schema?: TSchema | undefined;
}

/** drizzle over a Neon Pool (WebSockets). One per request in workerd; `close()` when done. */
export function createPoolDb<TSchema extends Schema = Record<string, never>>(
  opts: DbOptions<TSchema> & {
    /** Node without a global WebSocket: pass `ws`. Sets the process-wide neonConfig. */
    webSocketConstructor?: NeonConfig["webSocketConstructor"];
  },
) {
  configureNeon(opts.localEndpoint);
  if (opts.webSocketConstructor !== undefined) neonConfig.webSocketConstructor = opts.webSocketConstructor;
  const pool = new Pool({ connectionString: opts.databaseUrl });
  // An idle connection that drops (server restart, proxy closed) must not crash the process;
  // the pool replaces it, and queries in flight still reject with the error.
  pool.on("error", (error: Error) => console.error(JSON.stringify({ event: "neon_pool_error", message: error.message })));
  const db = drizzlePool({ client: pool, schema: opts.schema });
  return { db, pool, close: () => pool.end() };
}

/** drizzle over Neon's SQL over HTTP: one-shot queries; no interactive transactions. */
export function createHttpDb<TSchema extends Schema = Record<string, never>>(opts: DbOptions<TSchema>) {
  configureNeon(opts.localEndpoint);
  const sql = neon(opts.databaseUrl);
  return { db: drizzleHttp({ client: sql, schema: opts.schema }), sql };
}
