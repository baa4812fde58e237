// Contract tests for the local Neon stand-in, driven by the real driver (Pool, Client, neon())
// and by drizzle through db/client.ts: what passes here is what the workers and scripts rely on.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, neon, NeonDbError, neonConfig, Pool, types } from "@neondatabase/serverless";
import type { QueryResult } from "@neondatabase/serverless";
import { eq, inArray } from "drizzle-orm";
import { integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import pg from "pg";
import ws from "ws";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { configureNeon, createHttpDb, createPoolDb } from "../../db/client.ts";
import { startDatabase, type LocalDatabase, type StartDatabaseOptions } from "./index.ts";
import { dataRows, errors, frontend, WireClient } from "./wire-test-support.ts";

// Node 20 has no global WebSocket (workerd does); see db/client.ts.
neonConfig.webSocketConstructor = ws;

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

const prompts = pgTable("prompts", {
  id: serial("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  version: integer("version").notNull().default(1),
});

let migrationsFolder: string;
beforeAll(async () => {
  migrationsFolder = await mkdtemp(join(tmpdir(), "xr2-neon-migrations-"));
  await mkdir(join(migrationsFolder, "meta"));
  const entry = { idx: 0, version: "7", when: 1735689600000, tag: "0000_prompts", breakpoints: true };
  await writeFile(join(migrationsFolder, "meta/_journal.json"), JSON.stringify({ version: "7", dialect: "postgresql", entries: [entry] }));
  await writeFile(
    join(migrationsFolder, "0000_prompts.sql"),
    `CREATE TABLE "prompts" ("id" serial PRIMARY KEY NOT NULL, "slug" text NOT NULL, "version" integer DEFAULT 1 NOT NULL, CONSTRAINT "prompts_slug_unique" UNIQUE("slug"));`,
  );
});
afterAll(() => rm(migrationsFolder, { recursive: true, force: true }));

type Queryable = { query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };
type Pooled = Queryable & { connect(): Promise<Queryable & { release(): void }> };

/** A `pg` Pool straight to the database's TCP address and a Neon Pool through the WebSocket proxy. */
function bothPools(connectionString: string, max: number): Pooled[] {
  const direct = new pg.Pool({ connectionString, max });
  const overWebSocket = new Pool({ connectionString, max });
  onTestFinished(async () => {
    await Promise.all([direct.end(), overWebSocket.end()]);
  });
  return [direct, overWebSocket];
}

/** Queries of different shapes (parameter count, types, row count), so that mixing up the
 *  protocol messages of two connections shows as an error or as another query's answer. */
const QUERY_KINDS = [
  { text: "select $1::int * 2 as v", params: (n: number) => [n], rows: (n: number) => [{ v: n * 2 }] },
  { text: "select $1::text || ':' || $2::text as v", params: (n: number) => [`q${n}`, String(n)], rows: (n: number) => [{ v: `q${n}:${n}` }] },
  { text: "select $1::int + $2::int + $3::int as v", params: (n: number) => [n, 1000, 1_000_000], rows: (n: number) => [{ v: n + 1_001_000 }] },
  { text: "select g as v from generate_series(1, $1::int) as g", params: (n: number) => [(n % 5) + 1], rows: (n: number) => Array.from({ length: (n % 5) + 1 }, (_, i) => ({ v: i + 1 })) },
];

/** Several round trips on one checked-out connection, each query built from the previous answer. */
async function roundTrips(pool: Pooled, n: number): Promise<unknown[]> {
  const client = await pool.connect();
  try {
    const answers: unknown[] = [];
    let value = n;
    for (let step = 0; step < 4; step++) {
      const kind = QUERY_KINDS[(n + step) % 4]!;
      const { rows } = await client.query(kind.text, kind.params(value));
      answers.push(rows);
      value = rows.length + value;
    }
    return answers;
  } finally {
    client.release();
  }
}

function expectedRoundTrips(n: number): unknown[] {
  const answers: unknown[] = [];
  let value = n;
  for (let step = 0; step < 4; step++) {
    const rows = QUERY_KINDS[(n + step) % 4]!.rows(value);
    answers.push(rows);
    value = rows.length + value;
  }
  return answers;
}

function contract(name: string, start: (opts: StartDatabaseOptions) => Promise<LocalDatabase>) {
  describe(`Neon driver against ${name}`, () => {
    let database: LocalDatabase;
    beforeAll(async () => {
      database = await start({ migrationsFolder });
      configureNeon(database.endpoint);
    });
    afterAll(() => database?.close());

    it("relays WebSockets only to its own database, never to another address", async () => {
      const wsUrl = `${database.endpoint.replace("http", "ws")}/v1?address=127.0.0.1:6379`;
      const status = await new Promise<number | undefined>((resolve) => {
        const socket = new ws(wsUrl);
        socket.on("unexpected-response", (_request, response) => resolve(response.statusCode));
        socket.on("open", () => {
          socket.close();
          resolve(101);
        });
        socket.on("error", () => resolve(undefined));
      });
      expect(status).toBe(403);
    });

    it("applies the drizzle migrations before returning", async () => {
      const sql = neon(database.connectionString);
      expect(await sql`select count(*)::int as applied from drizzle.__drizzle_migrations`).toEqual([{ applied: 1 }]);
      expect(await sql`select to_regclass('public.prompts')::text as "table"`).toEqual([{ table: "prompts" }]);
    });

    it("Client: parameters, several statements in one simple query, prompt end()", async () => {
      const client = new Client(database.connectionString);
      await client.connect();
      const greeting = await client.query("select $1::text || '!' as greeting", ["hi"]);
      expect(greeting.rows).toEqual([{ greeting: "hi!" }]);
      const results = (await client.query(
        "insert into prompts (slug) values ('client-1'); select slug, version from prompts where slug = 'client-1'",
      )) as unknown as QueryResult[];
      expect(results.map((result) => result.command)).toEqual(["INSERT", "SELECT"]);
      expect(results[1]?.rows).toEqual([{ slug: "client-1", version: 1 }]);
      // The server closes on Terminate; otherwise end() hangs until the test's timeout.
      await client.end();
    }, 10_000);

    it("Pool: concurrent parameterised queries each get their own answer; prompt end()", async () => {
      const pool = new Pool({ connectionString: database.connectionString, max: 5 });
      const numbers = Array.from({ length: 40 }, (_, index) => index);
      const answers = await Promise.all(
        numbers.map((n) => pool.query("select $1::int * 2 as doubled, $2::text as label", [n, `n${n}`])),
      );
      expect(answers.map((answer) => answer.rows)).toEqual(numbers.map((n) => [{ doubled: n * 2, label: `n${n}` }]));
      expect(pool.totalCount).toBeGreaterThan(1);
      await pool.end();
    }, 10_000);

    it("Pool: another connection neither sees nor joins an open transaction", async () => {
      const pool = new Pool({ connectionString: database.connectionString, max: 2 });
      const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
      await a.query("begin");
      await a.query("insert into prompts (slug) values ('uncommitted')");
      // Postgres answers at once; PGlite (one session) holds it until A's transaction ends.
      const seenByB = b.query("select count(*)::int as n from prompts where slug = 'uncommitted'");
      await a.query("rollback");
      expect((await seenByB).rows).toEqual([{ n: 0 }]);
      a.release();
      b.release();
      await pool.end();
    });

    it("extended-protocol messages of two connections never mix, however they arrive", async () => {
      const [a, b] = await Promise.all([WireClient.connect(database.connectionString), WireClient.connect(database.connectionString)]);
      onTestFinished(() => [a, b].forEach((client) => client.close()));
      // A's statement and portal are only half done when B runs a whole query of its own.
      a.send(frontend.parse("select $1::int * 2 as v"), frontend.bind(["21"]), frontend.describePortal());
      b.send(frontend.parse("select $1::text || '!' as v, $2::text as w"), frontend.bind(["hi", "there"]), frontend.describePortal(), frontend.execute(), frontend.sync());
      const fromB = await b.readUntilReady();
      a.send(frontend.execute(), frontend.sync());
      const fromA = await a.readUntilReady();
      expect({ errors: errors(fromA), rows: dataRows(fromA) }).toEqual({ errors: [], rows: [["42"]] });
      expect({ errors: errors(fromB), rows: dataRows(fromB) }).toEqual({ errors: [], rows: [["hi!", "there"]] });
      expect([fromA.map((msg) => msg.type).join(""), fromB.map((msg) => msg.type).join("")]).toEqual(["12TDCZ", "12TDCZ"]);
    });

    it("concurrent connections each get the answers of their own queries (pg over TCP, Neon Pool over WebSockets)", async () => {
      const pools = bothPools(database.connectionString, 12);
      const tasks = Array.from({ length: 48 }, (_, n) => roundTrips(pools[n % 2]!, n));
      const results = await Promise.allSettled(tasks);
      expect(results.map((result) => result.status === "rejected" ? String(result.reason) : "ok")).toEqual(tasks.map(() => "ok"));
      expect(results.map((result) => result.status === "fulfilled" && result.value)).toEqual(tasks.map((_, n) => expectedRoundTrips(n)));
      // Plain queries from both pools at once, without a checked-out client.
      const plain = Array.from({ length: 40 }, (_, n) => pools[n % 2]!.query(QUERY_KINDS[n % 4]!.text, QUERY_KINDS[n % 4]!.params(n)));
      expect((await Promise.all(plain)).map((result) => result.rows)).toEqual(plain.map((_, n) => QUERY_KINDS[n % 4]!.rows(n)));
    }, 30_000);

    it("concurrent transactions on separate connections, interleaved with plain queries, commit and roll back only their own rows", async () => {
      const pools = bothPools(database.connectionString, 10);
      const prefix = `conc-${Math.random().toString(36).slice(2, 8)}-`;
      const transaction = async (pool: Pooled, n: number) => {
        const client = await pool.connect();
        try {
          await client.query("begin");
          const inserted = await client.query("insert into prompts (slug, version) values ($1, $2) returning id, slug", [`${prefix}${n}`, n]);
          const { id } = inserted.rows[0] as { id: number };
          const seen = await client.query("select slug, version from prompts where id = $1", [id]);
          await client.query(n % 3 === 0 ? "rollback" : "commit");
          return seen.rows;
        } finally {
          client.release();
        }
      };
      const transactions = Array.from({ length: 12 }, (_, n) => transaction(pools[n % 2]!, n));
      const plain = Array.from({ length: 24 }, (_, n) => pools[(n + 1) % 2]!.query(QUERY_KINDS[n % 4]!.text, QUERY_KINDS[n % 4]!.params(n)));
      const [seen, answers] = await Promise.all([Promise.all(transactions), Promise.all(plain)]);
      expect(seen).toEqual(transactions.map((_, n) => [{ slug: `${prefix}${n}`, version: n }]));
      expect(answers.map((answer) => answer.rows)).toEqual(plain.map((_, n) => QUERY_KINDS[n % 4]!.rows(n)));
      const kept = await pools[0]!.query("select version from prompts where slug like $1 order by version", [`${prefix}%`]);
      expect(kept.rows.map((row) => row.version)).toEqual(transactions.map((_, n) => n).filter((n) => n % 3 !== 0));
    }, 30_000);

    it("a connection that goes away inside a transaction leaves nothing behind and frees the database", async () => {
      const slug = `abandoned-${Math.random().toString(36).slice(2, 8)}`;
      const client = new pg.Client({ connectionString: database.connectionString });
      await client.connect();
      await client.query("begin");
      await client.query("insert into prompts (slug) values ($1)", [slug]);
      await client.end(); // Terminate without COMMIT
      const other = new pg.Client({ connectionString: database.connectionString });
      await other.connect();
      onTestFinished(() => other.end());
      expect((await other.query("select count(*)::int as n from prompts where slug = $1", [slug])).rows).toEqual([{ n: 0 }]);
      expect((await other.query("select current_setting('transaction_isolation') <> '' as idle")).rows).toEqual([{ idle: true }]);
    }, 10_000);

    it("neon(): tagged template, .query() and full results", async () => {
      const sql = neon(database.connectionString);
      expect(await sql`select ${"x"}::text as value, ${41}::int + 1 as answer`).toEqual([{ value: "x", answer: 42 }]);
      expect(await sql.query("select $1::text as value", ["y"])).toEqual([{ value: "y" }]);
      const full = await sql.query("select 7 as seven", [], { fullResults: true, arrayMode: true });
      expect(full).toMatchObject({ command: "SELECT", rowCount: 1, rows: [[7]], fields: [{ name: "seven", dataTypeID: 23 }] });
    });

    it("pause() cuts both paths off like an unreachable database until resume()", async () => {
      const sql = neon(database.connectionString);
      const pool = new Pool({ connectionString: database.connectionString });
      pool.on("error", () => {}); // the paused endpoint cuts the idle connection
      onTestFinished(() => {
        database.resume();
        return pool.end();
      });
      expect((await pool.query("select 1 as one")).rows).toEqual([{ one: 1 }]);

      database.pause();
      await expect(sql`select 1`).rejects.toThrow();
      await expect(pool.query("select 1")).rejects.toThrow();
      const openedWhilePaused = new Pool({ connectionString: database.connectionString, connectionTimeoutMillis: 2_000 });
      openedWhilePaused.on("error", () => {});
      await expect(openedWhilePaused.query("select 1")).rejects.toThrow();
      await openedWhilePaused.end().catch(() => {});

      database.resume();
      expect(await sql`select 2 as two`).toEqual([{ two: 2 }]);
      expect((await pool.query("select 3 as three")).rows).toEqual([{ three: 3 }]);
    });

    it("neon(): one statement per query, as on Neon", async () => {
      const sql = neon(database.connectionString);
      await expect(sql.query("select 1; select 2")).rejects.toMatchObject({ code: "42601" });
    });

    it("neon().transaction(): commits together, rolls back together, honours its options", async () => {
      const sql = neon(database.connectionString);
      const [inserted, counted] = await sql.transaction([
        sql`insert into prompts (slug) values ('tx-1') returning slug`,
        sql`select count(*)::int as n from prompts where slug like 'tx-%'`,
      ]);
      expect(inserted).toEqual([{ slug: "tx-1" }]);
      expect(counted).toEqual([{ n: 1 }]);

      await expect(
        sql.transaction([sql`insert into prompts (slug) values ('tx-2')`, sql`insert into prompts (slug) values ('tx-1')`]),
      ).rejects.toMatchObject({ code: "23505" });
      expect(await sql`select slug from prompts where slug = 'tx-2'`).toEqual([]);

      const settings = sql`select current_setting('transaction_isolation') as isolation,
        current_setting('transaction_read_only') as read_only, current_setting('transaction_deferrable') as deferrable`;
      expect(await sql.transaction([settings], { isolationLevel: "Serializable", readOnly: true, deferrable: true }))
        .toEqual([[{ isolation: "serializable", read_only: "on", deferrable: "on" }]]);
      expect(await sql.transaction([settings], { isolationLevel: "RepeatableRead" }))
        .toEqual([[{ isolation: "repeatable read", read_only: "off", deferrable: "off" }]]);
      await expect(sql.transaction([sql`insert into prompts (slug) values ('tx-3')`], { readOnly: true }))
        .rejects.toMatchObject({ code: "25006" });
    });

    it("types round-trip the same over WebSockets and HTTP", async () => {
      const query = `select $1::int4 as int, $2::int8 as big, $3::numeric as num, $4::bool as flag,
        $5::timestamptz as at, $6::jsonb as doc, $7::int4[] as ints, $8::text[] as texts,
        $9::text as nothing, $10::bytea as bytes`;
      const doc = { a: [1, "two", null], b: { c: true, d: "ü \"quoted\"" } };
      const params = [
        2147483647, "9007199254740993", "12345.678901234567890", true, new Date("2025-01-02T03:04:05.678Z"),
        doc, [1, 2, 3], ["a,b", 'say "hi"', "", null], null, Buffer.from([0, 1, 254, 255]),
      ];
      const expected = {
        int: 2147483647, big: "9007199254740993", num: "12345.678901234567890", flag: true,
        at: new Date("2025-01-02T03:04:05.678Z"), doc, ints: [1, 2, 3], texts: ["a,b", 'say "hi"', "", null],
        nothing: null,
      };
      const pool = new Pool({ connectionString: database.connectionString });
      const overWebSocket = (await pool.query(query, params)).rows[0];
      await pool.end();
      const overHttp = (await neon(database.connectionString).query(query, params))[0];
      for (const [path, row] of Object.entries({ overWebSocket, overHttp })) {
        const { bytes, ...rest } = row as Record<string, unknown>;
        expect(rest, path).toEqual(expected);
        expect([...(bytes as Uint8Array)], path).toEqual([0, 1, 254, 255]);
      }
    });

    it("errors carry the Postgres error fields over both paths", async () => {
      const pool = new Pool({ connectionString: database.connectionString });
      await pool.query("insert into prompts (slug) values ('duplicate')");
      await expect(pool.query("insert into prompts (slug) values ('duplicate')"))
        .rejects.toMatchObject({ code: "23505", constraint: "prompts_slug_unique" });
      await pool.end();

      const sql = neon(database.connectionString);
      const error = await sql`insert into prompts (slug) values ('duplicate')`.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NeonDbError);
      expect(error).toMatchObject({
        code: "23505", constraint: "prompts_slug_unique", table: "prompts", detail: "Key (slug)=(duplicate) already exists.",
      });
      await expect(sql.query("selec 1")).rejects.toMatchObject({ code: "42601", position: "1" });
    });

    it("drizzle neon-serverless: db.transaction() commits and rolls back", async () => {
      const { db, close } = createPoolDb({ databaseUrl: database.connectionString, localEndpoint: database.endpoint, schema: { prompts } });
      await db.transaction(async (tx) => {
        await tx.insert(prompts).values({ slug: "drizzle-commit" });
        await tx.update(prompts).set({ version: 2 }).where(eq(prompts.slug, "drizzle-commit"));
      });
      await expect(db.transaction(async (tx) => {
        await tx.insert(prompts).values({ slug: "drizzle-rollback" });
        throw new Error("abort");
      })).rejects.toThrow("abort");
      const rows = await db.select({ slug: prompts.slug, version: prompts.version }).from(prompts)
        .where(inArray(prompts.slug, ["drizzle-commit", "drizzle-rollback"]));
      expect(rows).toEqual([{ slug: "drizzle-commit", version: 2 }]);
      await close();
    });

    it("drizzle neon-http: insert and select", async () => {
      // Creating a neon-http drizzle switches the driver's process-wide parsers for date/time
      // types (and their arrays) to return text; restore them for the other tests.
      const saved = [1082, 1114, 1184, 1186, 1115, 1182, 1185, 1187, 1231].map((oid) => [oid, types.getTypeParser(oid)] as const);
      onTestFinished(() => saved.forEach(([oid, parser]) => types.setTypeParser(oid, parser)));
      const { db } = createHttpDb({ databaseUrl: database.connectionString, localEndpoint: database.endpoint, schema: { prompts } });
      const [inserted] = await db.insert(prompts).values({ slug: "http-1", version: 3 }).returning();
      expect(inserted).toMatchObject({ slug: "http-1", version: 3, id: expect.any(Number) });
      expect(await db.select().from(prompts).where(eq(prompts.slug, "http-1"))).toEqual([inserted]);
      expect(await db.query.prompts.findFirst({ where: eq(prompts.slug, "http-1") })).toEqual(inserted);
    });
  });
}

contract("PGlite (in memory)", (opts) => startDatabase(opts));

// The machine's Postgres only when TEST_DATABASE_URL names one (CI, or a developer who has it);
// each run gets its own database so parallel runs cannot collide.
describe.skipIf(TEST_DATABASE_URL === undefined)("with TEST_DATABASE_URL", () => {
  contract("Postgres", (opts) => startDatabase({ ...opts, databaseUrl: TEST_DATABASE_URL, freshDatabase: true }));

  it("freshDatabase creates a database per start and drops it on close", async () => {
    const [first, second] = await Promise.all([
      startDatabase({ databaseUrl: TEST_DATABASE_URL, freshDatabase: true }),
      startDatabase({ databaseUrl: TEST_DATABASE_URL, freshDatabase: true }),
    ]);
    const names = [first, second].map((database) => new URL(database.connectionString).pathname.slice(1));
    expect(names[0]).toMatch(/^xr2_test_/);
    expect(names[0]).not.toEqual(names[1]);
    await Promise.all([first.close(), second.close()]);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const left = await admin.query("select datname from pg_database where datname = any($1)", [names]);
    await admin.end();
    expect(left.rows).toEqual([]);
  });
});

describe("PGlite dataDir", () => {
  it("keeps data across a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "xr2-pglite-"));
    try {
      const first = await startDatabase({ dataDir });
      configureNeon(first.endpoint);
      await neon(first.connectionString).transaction((sql) => [
        sql`create table kept (note text)`,
        sql`insert into kept values ('still here')`,
      ]);
      await first.close();

      const second = await startDatabase({ dataDir });
      configureNeon(second.endpoint);
      expect(await neon(second.connectionString)`select note from kept`).toEqual([{ note: "still here" }]);
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
