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
import { TerminateDetector } from "./ws-proxy.ts";

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
      // Without the proxy closing on Terminate, end() hangs until the test's timeout.
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

    it("neon(): tagged template, .query() and full results", async () => {
      const sql = neon(database.connectionString);
      expect(await sql`select ${"x"}::text as value, ${41}::int + 1 as answer`).toEqual([{ value: "x", answer: 42 }]);
      expect(await sql.query("select $1::text as value", ["y"])).toEqual([{ value: "y" }]);
      const full = await sql.query("select 7 as seven", [], { fullResults: true, arrayMode: true });
      expect(full).toMatchObject({ command: "SELECT", rowCount: 1, rows: [[7]], fields: [{ name: "seven", dataTypeID: 23 }] });
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

describe("TerminateDetector", () => {
  const startup = Buffer.from("0000000800030000", "hex"); // length 8, protocol 3.0, no parameters
  const sslRequest = Buffer.from("0000000804d2162f", "hex");
  const message = (type: string, body: Buffer) => {
    const header = Buffer.alloc(5);
    header.write(type, 0);
    header.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([header, body]);
  };
  const query = message("Q", Buffer.from("select 'X\0\0\0\x04'\0"));
  const terminate = message("X", Buffer.alloc(0));

  it("finds Terminate only at its own message, however the bytes are split", () => {
    const stream = Buffer.concat([sslRequest, startup, query, query, terminate]);
    const detector = new TerminateDetector();
    const seen = [...stream].map((byte) => detector.push(Buffer.from([byte])));
    expect(seen.indexOf(true)).toBe(stream.length - 1);
  });

  it("finds Terminate in the same chunk as other messages, and nothing without it", () => {
    expect(new TerminateDetector().push(Buffer.concat([startup, query, terminate]))).toBe(true);
    expect(new TerminateDetector().push(Buffer.concat([startup, query, query]))).toBe(false);
  });
});
