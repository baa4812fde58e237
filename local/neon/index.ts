// Local stand-in for Neon, so the real Neon driver — in workerd (nodejs_compat) and in Node —
// works offline. One HTTP endpoint serves Neon's WebSocket proxy (`/v1`, used by Pool/Client)
// and SQL over HTTP (`/sql`, used by `neon()`), in front of either an embedded PGlite or a
// real Postgres. Point the driver at `endpoint` with `configureNeon` from db/client.ts.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { startPgliteServer } from "./pglite-server.ts";
import { createSqlOverHttp } from "./sql-over-http.ts";
import { attachWebSocketProxy } from "./ws-proxy.ts";

export interface LocalDatabase {
  /** postgres:// URL for the Neon driver and `pg`; its host is what the WebSocket proxy dials. */
  connectionString: string;
  /** http://host:port — WebSocket proxy at /v1, SQL over HTTP at /sql. */
  endpoint: string;
  backend: "pglite" | "postgres";
  /**
   * For outage tests only: until `resume()`, the endpoint behaves like an unreachable database
   * (open connections are cut, new ones and SQL-over-HTTP requests are dropped unanswered).
   */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

export interface StartDatabaseOptions {
  databaseUrl?: string; // use this Postgres instead of an embedded PGlite
  freshDatabase?: boolean; // with databaseUrl: create a uniquely named database, drop it on close
  dataDir?: string; // PGlite data directory; in memory when undefined
  port?: number; // endpoint port; random when 0 or undefined
  host?: string; // endpoint host; 127.0.0.1 by default
  migrationsFolder?: string; // drizzle migrations to apply before returning
}

type Target = { connectionString: string; close(): Promise<void> };

export async function startDatabase(opts: StartDatabaseOptions = {}): Promise<LocalDatabase> {
  const backend = opts.databaseUrl === undefined ? "pglite" : "postgres";
  const target = opts.databaseUrl === undefined
    ? await pgliteTarget(opts.dataDir)
    : await postgresTarget(opts.databaseUrl, opts.freshDatabase ?? false);
  try {
    if (opts.migrationsFolder !== undefined) {
      await applyMigrations(target.connectionString, opts.migrationsFolder);
    }
    const sqlOverHttp = createSqlOverHttp();
    let paused = false;
    const server = http.createServer((request, response) => {
      if (paused) return void request.socket.destroy();
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      if (request.method === "POST" && path === "/sql") return void sqlOverHttp.handle(request, response);
      response.writeHead(404).end();
    });
    const databaseAddress = new URL(target.connectionString);
    const proxy = attachWebSocketProxy(server, { host: databaseAddress.hostname, port: Number(databaseAddress.port || 5432) }, () => !paused);
    const host = opts.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 0, host, resolve);
    });
    const { port } = server.address() as AddressInfo;
    return {
      connectionString: target.connectionString,
      endpoint: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      backend,
      pause() {
        paused = true;
        proxy.dropConnections();
        server.closeIdleConnections();
      },
      resume() {
        paused = false;
      },
      async close() {
        proxy.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await sqlOverHttp.close();
        await target.close();
      },
    };
  } catch (error) {
    await target.close();
    throw error;
  }
}

async function pgliteTarget(dataDir: string | undefined): Promise<Target> {
  const server = await startPgliteServer({ dataDir });
  return { connectionString: `postgres://postgres@${server.address}/postgres`, close: server.close };
}

async function postgresTarget(databaseUrl: string, fresh: boolean): Promise<Target> {
  if (!fresh) return { connectionString: databaseUrl, close: async () => {} };
  const name = `xr2_test_${randomBytes(6).toString("hex")}`;
  await withClient(databaseUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    connectionString: url.toString(),
    // FORCE: a test that forgot to close a connection must not leave the database behind.
    close: () => withClient(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withClient(connectionString: string, use: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await use(client);
  } finally {
    await client.end();
  }
}

async function applyMigrations(connectionString: string, migrationsFolder: string): Promise<void> {
  const pool = new pg.Pool({ connectionString, max: 1 });
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder });
  } finally {
    await pool.end();
  }
}
