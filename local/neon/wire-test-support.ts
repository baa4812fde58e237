// A minimal Postgres wire-protocol client for tests that must control exactly which frontend
// messages are sent, how they are split and interleaved between connections.
import net from "node:net";

export interface BackendMessage {
  type: string;
  body: Buffer;
}

const message = (type: string, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};
const cstring = (text: string) => Buffer.from(`${text}\0`);
const int16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const int32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};
const untyped = (...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([int32(body.length + 4), body]);
};

/** Frontend messages; parameters and results in text format. */
export const frontend = {
  startup: (params: Record<string, string> = { user: "postgres", database: "postgres" }) =>
    untyped(int32(196608), ...Object.entries(params).flatMap(([key, value]) => [cstring(key), cstring(value)]), Buffer.from([0])),
  sslRequest: () => untyped(int32(80877103)),
  gssencRequest: () => untyped(int32(80877104)),
  cancelRequest: (processId: number, secretKey: number) => untyped(int32(80877102), int32(processId), int32(secretKey)),
  parse: (sql: string, name = "") => message("P", cstring(name), cstring(sql), int16(0)),
  bind: (params: (string | null)[], portal = "", statement = "") =>
    message(
      "B", cstring(portal), cstring(statement), int16(0), int16(params.length),
      ...params.map((param) => (param === null ? int32(-1) : Buffer.concat([int32(Buffer.byteLength(param)), Buffer.from(param)]))),
      int16(0),
    ),
  describePortal: (portal = "") => message("D", Buffer.from("P"), cstring(portal)),
  execute: (portal = "", maxRows = 0) => message("E", cstring(portal), int32(maxRows)),
  sync: () => message("S"),
  flush: () => message("H"),
  query: (sql: string) => message("Q", cstring(sql)),
  terminate: () => message("X"),
  raw: message,
};

export class WireClient {
  readonly socket: net.Socket;
  /** Resolves when the server has closed the connection. */
  readonly closed: Promise<void>;
  #buffer = Buffer.alloc(0);
  #waiter: (() => void) | undefined;
  #ended = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#waiter?.();
    });
    this.closed = new Promise((resolve) => socket.on("close", () => {
      this.#ended = true;
      this.#waiter?.();
      resolve();
    }));
    socket.on("error", () => {});
  }

  /** Opens a TCP connection to the host:port of a postgres:// URL; sends nothing yet. */
  static async open(connectionString: string): Promise<WireClient> {
    const url = new URL(connectionString);
    const socket = net.connect(Number(url.port || 5432), url.hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new WireClient(socket);
  }

  /** Opens a connection and completes the startup phase. */
  static async connect(connectionString: string): Promise<WireClient> {
    const client = await WireClient.open(connectionString);
    client.send(frontend.startup());
    const messages = await client.readUntilReady();
    const error = messages.find((msg) => msg.type === "E");
    if (error !== undefined) throw new Error(`startup failed: ${errorFields(error).M}`);
    return client;
  }

  send(...buffers: Buffer[]): void {
    this.socket.write(Buffer.concat(buffers));
  }

  /** The next `count` raw bytes (answers to SSLRequest and GSSENCRequest have no framing). */
  async readBytes(count: number): Promise<Buffer> {
    await this.#until(() => this.#buffer.length >= count);
    const bytes = this.#buffer.subarray(0, count);
    this.#buffer = this.#buffer.subarray(count);
    return bytes;
  }

  /** Backend messages up to and including ReadyForQuery ('Z'), or up to the connection's end. */
  readUntilReady(): Promise<BackendMessage[]> {
    return this.readUntil("Z");
  }

  /** Backend messages up to and including one of `types`, or up to the connection's end. */
  async readUntil(types: string): Promise<BackendMessage[]> {
    const messages: BackendMessage[] = [];
    for (;;) {
      const next = await this.#next();
      if (next === undefined) return messages;
      messages.push(next);
      if (types.includes(next.type)) return messages;
    }
  }

  async #next(): Promise<BackendMessage | undefined> {
    const complete = () => this.#buffer.length >= 5 && this.#buffer.length >= 1 + this.#buffer.readInt32BE(1);
    await this.#until(complete);
    if (!complete()) return undefined;
    const length = this.#buffer.readInt32BE(1);
    const next = { type: String.fromCharCode(this.#buffer[0]!), body: this.#buffer.subarray(5, 1 + length) };
    this.#buffer = this.#buffer.subarray(1 + length);
    return next;
  }

  async #until(ready: () => boolean): Promise<void> {
    while (!ready() && !this.#ended) await new Promise<void>((resolve) => (this.#waiter = resolve));
    this.#waiter = undefined;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The text values of every DataRow ('D'). */
export function dataRows(messages: BackendMessage[]): (string | null)[][] {
  return messages.filter((msg) => msg.type === "D").map(({ body }) => {
    const values: (string | null)[] = [];
    let offset = 2;
    for (let column = 0; column < body.readInt16BE(0); column++) {
      const length = body.readInt32BE(offset);
      offset += 4;
      values.push(length < 0 ? null : body.subarray(offset, offset + length).toString());
      offset += Math.max(length, 0);
    }
    return values;
  });
}

/** Fields of an ErrorResponse ('E') by their one-letter code: C (SQLSTATE), M (message), … */
export function errorFields({ body }: BackendMessage): Record<string, string> {
  const fields: Record<string, string> = {};
  let offset = 0;
  while (offset < body.length && body[offset] !== 0) {
    const end = body.indexOf(0, offset + 1);
    fields[String.fromCharCode(body[offset]!)] = body.subarray(offset + 1, end).toString();
    offset = end + 1;
  }
  return fields;
}

/** The messages of every ErrorResponse in `messages`. */
export function errors(messages: BackendMessage[]): string[] {
  return messages.filter((msg) => msg.type === "E").map((msg) => errorFields(msg).M ?? "");
}
