// Embedded Postgres (PGlite) reachable over TCP, so the Neon driver (through the WebSocket
// proxy) and `pg` (SQL over HTTP, migrations) can use it like any other server.
//
// PGlite is a single Postgres session. pglite-socket queues protocol messages from every TCP
// connection into it and hands a connection exclusive use while it is inside a transaction
// block, so concurrent connections behave like separate sessions for ordinary queries and
// transactions. Session state (SET, temporary tables, named prepared statements) is shared.
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** pglite-socket accepts one connection unless told otherwise; a few pools need more. */
const MAX_CONNECTIONS = 100;

export interface PgliteServer {
  /** host:port of the TCP listener. */
  address: string;
  close(): Promise<void>;
}

/** Starts PGlite (in memory, or persisted in `dataDir`) behind a TCP listener on a random port. */
export async function startPgliteServer(dataDir?: string): Promise<PgliteServer> {
  const db = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: 0,
    maxConnections: MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    address: server.getServerConn(),
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
