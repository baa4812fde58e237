// Neon's SQL-over-HTTP protocol (`POST /sql`), which `neon()` from @neondatabase/serverless and
// drizzle's neon-http speak, served with `pg` against whatever database the request names.
//
// Request (as built by @neondatabase/serverless 1.2): headers Neon-Connection-String,
// Neon-Raw-Text-Output: true, Neon-Array-Mode: true, and for batches Neon-Batch-Isolation-Level /
// -Read-Only / -Deferrable; body `{ query, params }` or `{ queries: [{ query, params }, …] }`
// (params already serialised to text or null). Response: `{ fields, command, rowCount, rows,
// rowAsArray }` or `{ results: [...] }` with values as Postgres text, which the client parses
// itself; database errors are status 400 with the error's fields (code, constraint, …).
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";
import { badRequest, HttpError, readBody } from "../http.ts";

interface QueryRequest {
  query: string;
  params: unknown[];
}

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

/** The fields of a Postgres error that the Neon client copies onto its NeonDbError. */
const ERROR_FIELDS = [
  "severity", "code", "detail", "hint", "position", "internalPosition", "internalQuery", "where",
  "schema", "table", "column", "dataType", "constraint", "file", "line", "routine",
] as const;

/** Leaves every value as the text Postgres sent; the Neon client applies its own parsers. */
const rawText: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/** Neon caps a query over HTTP too; 10 MiB is far above anything the app sends. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function createSqlOverHttp(): {
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  close(): Promise<void>;
} {
  // One pool per connection string, as Neon routes each request to the database it names.
  const pools = new Map<string, pg.Pool>();
  const poolFor = (connectionString: string): pg.Pool => {
    let pool = pools.get(connectionString);
    if (pool === undefined) {
      pool = new pg.Pool({ connectionString, max: 5 });
      pool.on("error", () => {}); // an idle connection died; the pool replaces it
      pools.set(connectionString, pool);
    }
    return pool;
  };

  async function execute(request: IncomingMessage): Promise<unknown> {
    const connectionString = request.headers["neon-connection-string"];
    if (typeof connectionString !== "string") throw badRequest("missing Neon-Connection-String header");
    const arrayMode = request.headers["neon-array-mode"] === "true";
    const body: unknown = JSON.parse((await readBody(request, MAX_BODY_BYTES)).toString("utf8"));
    const client = await poolFor(connectionString).connect();
    try {
      if (isQuery(body)) return await runQuery(client, body, arrayMode);
      if (!isBatch(body)) throw badRequest("body must be {query, params} or {queries: [...]}");
      await client.query(beginStatement(request));
      try {
        const results = [];
        for (const query of body.queries) results.push(await runQuery(client, query, arrayMode));
        await client.query("COMMIT");
        return { results };
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    } finally {
      client.release();
    }
  }

  return {
    async handle(request, response) {
      let status = 200;
      let payload: unknown;
      try {
        payload = await execute(request);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof pg.DatabaseError) {
          status = 400;
          payload = { message, ...Object.fromEntries(ERROR_FIELDS.map((field) => [field, error[field]])) };
        } else {
          status = error instanceof HttpError ? error.status : error instanceof SyntaxError ? 400 : 500;
          payload = { message };
        }
      }
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
}

async function runQuery(client: pg.PoolClient, { query, params }: QueryRequest, arrayMode: boolean) {
  // Extended protocol, as Neon uses: one statement per query, like production.
  const config = { text: query, values: params, types: rawText, queryMode: "extended" };
  const result = arrayMode ? await client.query({ ...config, rowMode: "array" }) : await client.query(config);
  const { fields, command, rowCount, rows } = result;
  return { fields, command, rowCount, rows, rowAsArray: arrayMode };
}

function beginStatement(request: IncomingMessage): string {
  const isolation = request.headers["neon-batch-isolation-level"];
  const readOnly = request.headers["neon-batch-read-only"];
  const deferrable = request.headers["neon-batch-deferrable"];
  const parts = ["BEGIN"];
  if (typeof isolation === "string") {
    const level = ISOLATION_LEVELS[isolation];
    if (level === undefined) throw badRequest(`unknown isolation level ${isolation}`);
    parts.push(`ISOLATION LEVEL ${level}`);
  }
  if (readOnly !== undefined) parts.push(readOnly === "true" ? "READ ONLY" : "READ WRITE");
  if (deferrable !== undefined) parts.push(deferrable === "true" ? "DEFERRABLE" : "NOT DEFERRABLE");
  return parts.join(" ");
}

function isQuery(body: unknown): body is QueryRequest {
  const { query, params } = (body ?? {}) as Partial<QueryRequest>;
  return typeof query === "string" && Array.isArray(params);
}

function isBatch(body: unknown): body is { queries: QueryRequest[] } {
  const { queries } = (body ?? {}) as { queries?: unknown };
  return Array.isArray(queries) && queries.every(isQuery);
}

