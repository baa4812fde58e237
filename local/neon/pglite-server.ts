// Embedded Postgres (PGlite) reachable over TCP, so the Neon driver (through the WebSocket
// proxy) and `pg` (SQL over HTTP, migrations) can use it like any other server.
//
// PGlite is a single Postgres session; this front lets many connections share it:
// - Each connection's frontend messages are collected into groups ending at Sync, Query (or
//   FunctionCall) or Flush, and a group runs in PGlite as one unit, so the extended-protocol
//   messages (Parse/Bind/Describe/Execute) of different connections never interleave.
// - One group runs at a time, connections taking turns. While PGlite is inside a transaction
//   block after a group, or a connection's pipeline stopped at a Flush (its unnamed statement and
//   portal are still needed), only that connection's groups run. When it goes away first, its
//   transaction is rolled back and the others continue. (So code that, inside a transaction,
//   waits for a query on another connection hangs here; on Postgres it would not.)
// Session state (SET, temporary tables, named prepared statements) is still shared by all.
// Unsupported: COPY … FROM STDIN (it stops PGlite, so it is refused with a FATAL error), TLS and
// GSS encryption (answered 'N'), cancel requests (closed unanswered).
import net from "node:net";
import type { AddressInfo } from "node:net";
import { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const MAX_STARTUP_BYTES = 10_000; // Postgres' limit
/** Bounds the memory one connection can hold in messages not yet run. */
const MAX_GROUP_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_CONNECTIONS = 100;

const PARSE = 0x50; // 'P'
const QUERY = 0x51; // 'Q'
const SYNC = 0x53; // 'S'
const FLUSH = 0x48; // 'H'
const FUNCTION_CALL = 0x46; // 'F', answered with ReadyForQuery like a Query
const TERMINATE = 0x58; // 'X'
const GROUP_ENDS = new Set([SYNC, QUERY, FUNCTION_CALL, FLUSH]);
const COPY_FROM_STDIN = /\bcopy\b[^;]*\bfrom\s+stdin\b/i;

function message(type: number, body: string = ""): Buffer {
  const bytes = Buffer.from(body);
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeInt32BE(bytes.length + 4, 1);
  return Buffer.concat([header, bytes]);
}

function fatalError(code: string, text: string): Buffer {
  return message(0x45, `SFATAL\0VFATAL\0C${code}\0M${text}\0\0`); // ErrorResponse 'E'
}

/**
 * Ends whatever a vanished owner left behind: a transaction block, or a pipeline stopped at a
 * Flush (an implicit transaction, possibly skipping messages until Sync after an error).
 */
const CLEAN_UP = Buffer.concat([message(QUERY, "ROLLBACK\0"), message(SYNC), message(QUERY, "ROLLBACK\0")]);

interface Group {
  bytes: Buffer;
  /** Ended by a Flush: the connection's pipeline continues in its next group. */
  flush: boolean;
}

export interface PgliteServer {
  /** host:port of the TCP listener. */
  address: string;
  close(): Promise<void>;
}

export interface PgliteServerOptions {
  dataDir?: string; // persisted there; in memory when undefined
  maxConnections?: number; // 100 by default; more are answered with too_many_connections
}

/** Starts PGlite behind a TCP listener on 127.0.0.1 and a random port. */
export async function startPgliteServer(opts: PgliteServerOptions = {}): Promise<PgliteServer> {
  const db = await PGlite.create(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir });
  const maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const session = new Session(db);
  const connections = new Set<Connection>();
  const server = net.createServer((socket) => {
    const accepted = [...connections].filter((connection) => !connection.refused && !connection.ending).length;
    const connection = new Connection(socket, session, accepted >= maxConnections);
    connections.add(connection);
    socket.on("close", () => connections.delete(connection));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const connection of connections) connection.socket.destroy();
      await session.close();
      await closed;
      await db.close();
    },
  };
}

/** Runs the connections' groups in PGlite one at a time and tracks which connection owns it. */
class Session {
  #waiting: Connection[] = []; // connections with a group to run, in turn
  #owner: Connection | undefined;
  #busy = false;
  #idle: Promise<void> = Promise.resolve();
  #closing = false;

  constructor(private readonly db: PGlite) {}

  /** After a connection's groups or state changed. */
  update(connection: Connection): void {
    const waiting = this.#waiting.includes(connection);
    if (connection.groups.length > 0 && !waiting) this.#waiting.push(connection);
    if (connection.groups.length === 0 && waiting) this.#waiting = this.#waiting.filter((other) => other !== connection);
    if (!this.#busy) this.#idle = this.#drain();
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.#idle;
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    try {
      while (!this.#closing) {
        const owner = this.#owner;
        if (owner !== undefined && owner.ending && owner.groups.length === 0) {
          await this.#execute(CLEAN_UP, () => {});
          this.#owner = undefined;
          continue;
        }
        const next = owner ?? this.#waiting[0];
        const group = next?.groups.shift();
        if (next === undefined || group === undefined) break; // the owner's next group is not here yet
        this.#waiting = this.#waiting.filter((other) => other !== next);
        if (next.groups.length > 0) this.#waiting.push(next);
        let answered = false;
        next.running = true;
        const failure = await this.#execute(group.bytes, (data) => {
          answered = true;
          next.write(data);
        });
        next.running = false;
        this.#owner = this.db.isInTransaction() || group.flush ? next : undefined;
        if (failure !== undefined) next.fail(answered ? undefined : `PGlite failed: ${failure.message}`);
        else next.ran();
      }
    } finally {
      this.#busy = false;
    }
  }

  async #execute(bytes: Buffer, onData: (data: Buffer) => void): Promise<Error | undefined> {
    try {
      // The callback gets views of PGlite's memory: copy them.
      await this.db.runExclusive(() => this.db.execProtocolRawStream(bytes, { onRawData: (data) => onData(Buffer.from(data)) }));
      return undefined;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}

/** One client connection: splits its bytes into messages and its messages into groups. */
class Connection {
  readonly groups: Group[] = [];
  running = false;
  /** Takes no more messages (Terminate, an error, closed); closes once its queued groups ran. */
  ending = false;
  #startup = true;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #needed = 0; // bytes the next message needs; nothing is parsed before they are here
  #group: Buffer[] = [];
  #groupBytes = 0;

  constructor(
    readonly socket: net.Socket,
    private readonly session: Session,
    /** Over the connection limit: answered with an error once its startup packet arrives. */
    readonly refused: boolean,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk) => this.#receive(chunk));
    socket.on("error", () => {}); // 'close' follows
    socket.on("close", () => {
      this.ending = true;
      this.groups.length = 0;
      session.update(this);
    });
  }

  write(data: Buffer): void {
    if (this.socket.writable) this.socket.write(data);
  }

  /** After one of its groups ran: read on, or close after Terminate. */
  ran(): void {
    if (this.groups.length > 0) return;
    if (this.ending) this.#close();
    else this.socket.resume();
  }

  /** Answers a FATAL error (unless `text` is undefined) and closes without running more. */
  fail(text: string | undefined, code = "XX000"): void {
    if (text !== undefined) this.write(fatalError(code, text));
    this.#end(true);
  }

  #end(dropGroups: boolean): void {
    this.ending = true;
    if (dropGroups) this.groups.length = 0;
    if (this.groups.length === 0 && !this.running) this.#close();
    this.session.update(this);
  }

  #close(): void {
    if (this.socket.destroyed) return;
    this.socket.end();
    this.socket.resume(); // to see the client's end, and so 'close'
  }

  #receive(chunk: Buffer): void {
    if (this.ending) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered < this.#needed) return;
    const input = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks);
    let offset = 0;
    while (!this.ending) {
      const available = input.length - offset;
      const headerBytes = this.#startup ? 8 : 5;
      if (available < headerBytes) {
        this.#needed = headerBytes;
        break;
      }
      // A startup packet's length counts itself; a typed message's length follows its type byte.
      const length = this.#startup ? input.readInt32BE(offset) : 1 + input.readInt32BE(offset + 1);
      if (length < headerBytes || length > (this.#startup ? MAX_STARTUP_BYTES : MAX_GROUP_BYTES)) {
        this.fail(`invalid message length ${length}`, "08P01");
        break;
      }
      if (available < length) {
        this.#needed = length;
        break;
      }
      const bytes = input.subarray(offset, offset + length);
      offset += length;
      if (this.#startup) this.#startupPacket(bytes);
      else this.#message(bytes);
    }
    const rest = this.ending ? Buffer.alloc(0) : input.subarray(offset);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    if (this.groups.length > 0) {
      this.socket.pause(); // until its groups have run
      this.session.update(this);
    }
  }

  #startupPacket(bytes: Buffer): void {
    const code = bytes.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.write(Buffer.from("N"));
    } else if (code === CANCEL_REQUEST) {
      this.#end(true);
    } else if (this.refused) {
      this.fail("sorry, too many clients already", "53300");
    } else {
      this.#startup = false;
      this.groups.push({ bytes, flush: false }); // PGlite answers the startup packet itself
    }
  }

  #message(bytes: Buffer): void {
    const type = bytes[0]!;
    if (type === TERMINATE) {
      this.#end(false); // after the groups it sent before
      return;
    }
    if ((type === QUERY || type === PARSE) && COPY_FROM_STDIN.test(bytes.toString("utf8", 5))) {
      this.fail("COPY FROM STDIN is not supported by the local PGlite server", "0A000");
      return;
    }
    this.#group.push(bytes);
    this.#groupBytes += bytes.length;
    if (GROUP_ENDS.has(type)) {
      this.groups.push({ bytes: Buffer.concat(this.#group), flush: type === FLUSH });
      this.#group = [];
      this.#groupBytes = 0;
    } else if (this.#groupBytes > MAX_GROUP_BYTES) {
      this.fail(`more than ${MAX_GROUP_BYTES} bytes of messages before a Sync`, "54000");
    }
  }
}
