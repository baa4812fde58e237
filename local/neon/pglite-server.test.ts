// The TCP front of PGlite at the wire level: framing, the startup phase, how connections share
// the one session, and its limits. The driver-level contract is in neon.test.ts.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { startPgliteServer, type PgliteServer } from "./pglite-server.ts";
import { dataRows, errorFields, errors, frontend, WireClient } from "./wire-test-support.ts";

let server: PgliteServer;
let url: string;
beforeAll(async () => {
  server = await startPgliteServer();
  url = `postgres://postgres@${server.address}/postgres`;
});
afterAll(() => server?.close());

async function connect(): Promise<WireClient> {
  const client = await WireClient.connect(url);
  onTestFinished(() => client.close());
  return client;
}

const types = (messages: { type: string }[]) => messages.map((msg) => msg.type).join("");

describe("PGlite TCP server", () => {
  it("answers SSL and GSS encryption requests with N, and takes messages split anywhere", async () => {
    const client = await WireClient.open(url);
    onTestFinished(() => client.close());
    client.send(frontend.sslRequest());
    expect((await client.readBytes(1)).toString()).toBe("N");
    client.send(frontend.gssencRequest());
    expect((await client.readBytes(1)).toString()).toBe("N");
    for (const byte of Buffer.concat([frontend.startup(), frontend.query("select 6 * 7 as answer")])) client.send(Buffer.from([byte]));
    expect(types(await client.readUntilReady())).toMatch(/^R(S)*KZ$/);
    const answer = await client.readUntilReady();
    expect({ errors: errors(answer), rows: dataRows(answer) }).toEqual({ errors: [], rows: [["42"]] });

    client.send(frontend.terminate());
    await client.closed;
  });

  it("runs what was sent before a Terminate, then closes", async () => {
    const client = await connect();
    client.send(frontend.query("select 1 as one"), frontend.query("select 2 as two"), frontend.terminate());
    const first = await client.readUntilReady();
    const second = await client.readUntilReady();
    expect([dataRows(first), dataRows(second)]).toEqual([[["1"]], [["2"]]]);
    await client.closed;
  });

  it("closes a cancel request unanswered", async () => {
    const client = await WireClient.open(url);
    onTestFinished(() => client.close());
    client.send(frontend.cancelRequest(1, 2));
    await client.closed;
    expect(await client.readUntilReady()).toEqual([]);
  });

  it("answers an impossible message length with a FATAL protocol error", async () => {
    const client = await connect();
    client.send(Buffer.from([0x51, 0, 0, 0, 1])); // 'Q' with length 1
    const answer = await client.readUntilReady();
    expect(answer.map(errorFields)).toMatchObject([{ S: "FATAL", C: "08P01" }]);
    await client.closed;
  });

  it("a pipeline stopped at a Flush keeps its portal while other connections run queries", async () => {
    const [a, b] = [await connect(), await connect()];
    a.send(frontend.parse("select g from generate_series(1, 3) as g"), frontend.bind([]), frontend.execute("", 1), frontend.flush());
    const firstRow = await a.readUntil("s"); // PortalSuspended
    expect(dataRows(firstRow)).toEqual([["1"]]);
    // B's whole query waits until A's pipeline ends at its Sync.
    b.send(frontend.parse("select 'b' as b"), frontend.bind([]), frontend.execute(), frontend.sync());
    a.send(frontend.execute(), frontend.sync());
    const rest = await a.readUntilReady();
    expect({ errors: errors(rest), rows: dataRows(rest) }).toEqual({ errors: [], rows: [["2"], ["3"]] });
    expect(dataRows(await b.readUntilReady())).toEqual([["b"]]);
  });

  it("an open transaction has the database to itself until it ends", async () => {
    const [a, b] = [await connect(), await connect()];
    const table = `held_${Math.random().toString(36).slice(2, 8)}`;
    a.send(frontend.query(`create table ${table} (note text)`));
    await a.readUntilReady();
    a.send(frontend.query(`begin; insert into ${table} values ('from a')`));
    expect(types(await a.readUntilReady())).toBe("CCZ");
    b.send(frontend.query(`select count(*) from ${table}`));
    a.send(frontend.query("commit"));
    await a.readUntilReady();
    // On Postgres B could answer 0 at once; here it ran after A's commit.
    expect(dataRows(await b.readUntilReady())).toEqual([["1"]]);
  });

  it("a connection that vanishes inside a transaction, or after an error before its Sync, leaves a clean session", async () => {
    const table = `vanish_${Math.random().toString(36).slice(2, 8)}`;
    const setup = await connect();
    setup.send(frontend.query(`create table ${table} (note text)`));
    await setup.readUntilReady();

    const inTransaction = await connect();
    inTransaction.send(frontend.query(`begin; insert into ${table} values ('uncommitted')`));
    await inTransaction.readUntilReady();
    inTransaction.close();

    const afterError = await connect();
    afterError.send(frontend.parse("selec 1"), frontend.flush());
    expect(errors(await afterError.readUntil("E"))).toEqual(['syntax error at or near "selec"']);
    afterError.close();

    const other = await connect();
    other.send(frontend.query(`select count(*) from ${table}`));
    const answer = await other.readUntilReady();
    expect({ errors: errors(answer), rows: dataRows(answer), status: answer.at(-1)?.body.toString() }).toEqual({ errors: [], rows: [["0"]], status: "I" });
  });

  it("refuses COPY FROM STDIN, which would stop PGlite, and keeps serving", async () => {
    const client = await connect();
    client.send(frontend.query("create temporary table copied (n int); copy copied from stdin"));
    expect((await client.readUntilReady()).map(errorFields)).toMatchObject([{ S: "FATAL", C: "0A000" }]);
    await client.closed;
    const other = await connect();
    other.send(frontend.query("select 1"));
    expect(dataRows(await other.readUntilReady())).toEqual([["1"]]);
  });
});

describe("PGlite TCP server connection limit", () => {
  it("answers too_many_connections over the limit, and accepts again once a connection ends", async () => {
    const limited = await startPgliteServer({ maxConnections: 2 });
    onTestFinished(() => limited.close());
    const limitedUrl = `postgres://postgres@${limited.address}/postgres`;
    const [first, second] = [await WireClient.connect(limitedUrl), await WireClient.connect(limitedUrl)];
    onTestFinished(() => [first, second].forEach((client) => client.close()));

    const third = await WireClient.open(limitedUrl);
    third.send(frontend.startup());
    expect((await third.readUntilReady()).map(errorFields)).toMatchObject([{ S: "FATAL", C: "53300" }]);
    await third.closed;

    first.send(frontend.terminate());
    await first.closed;
    const fourth = await WireClient.connect(limitedUrl);
    onTestFinished(() => fourth.close());
    fourth.send(frontend.query("select 'in' as state"));
    expect(dataRows(await fourth.readUntilReady())).toEqual([["in"]]);
  });
});
