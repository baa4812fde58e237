// Neon's WebSocket proxy, locally: `GET /v1?address=host:port` upgrades to a WebSocket whose
// binary messages are relayed to and from a TCP connection to that Postgres. The Neon driver
// reaches it through `neonConfig.wsProxy` (see db/client.ts).
import type { Server } from "node:http";
import net from "node:net";
import { WebSocketServer } from "ws";
import type { RawData, WebSocket } from "ws";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const TERMINATE = 0x58; // 'X'

/**
 * Follows the Postgres frontend message framing just far enough to see Terminate ('X').
 * pglite-socket keeps its side of the TCP connection open after Terminate (a real Postgres
 * closes it), so the proxy closes it; otherwise the driver's `end()` waits forever.
 * The first packets have no type byte (length, protocol code); then every message is a type
 * byte followed by an int32 length that counts itself.
 */
export class TerminateDetector {
  #startup = true;
  #header = Buffer.alloc(0);
  #bodyLeft = 0;

  /** Feeds the next client→server bytes; true once they contain a Terminate message. */
  push(chunk: Buffer): boolean {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#bodyLeft > 0) {
        const skipped = Math.min(this.#bodyLeft, chunk.length - offset);
        this.#bodyLeft -= skipped;
        offset += skipped;
        continue;
      }
      const headerSize = this.#startup ? 8 : 5;
      const end = offset + headerSize - this.#header.length;
      this.#header = Buffer.concat([this.#header, chunk.subarray(offset, end)]);
      offset = Math.min(end, chunk.length);
      if (this.#header.length < headerSize) return false;
      const header = this.#header;
      this.#header = Buffer.alloc(0);
      if (this.#startup) {
        // SSL and GSS encryption requests are answered, then followed by the real startup packet.
        const code = header.readInt32BE(4);
        this.#startup = code === SSL_REQUEST || code === GSSENC_REQUEST;
        this.#bodyLeft = header.readInt32BE(0) - 8;
      } else {
        if (header[0] === TERMINATE) return true;
        this.#bodyLeft = header.readInt32BE(1) - 4;
      }
    }
    return false;
  }
}

/** Serves the proxy on `server`'s upgrade requests; `close()` drops every relayed connection. */
/** Relays only to `allowed`, the database this endpoint serves: it is no open TCP relay. */
export function attachWebSocketProxy(server: Server, allowed: { host: string; port: number }): { close(): void } {
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (request, socket, head) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const target = url.pathname === "/v1" ? parseAddress(url.searchParams.get("address")) : undefined;
    if (target === undefined) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    if (!sameAddress(target, allowed)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => relay(ws, target));
  });
  return {
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

function sameAddress(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  const host = (name: string) => (LOOPBACK.has(name) ? "loopback" : name);
  return a.port === b.port && host(a.host) === host(b.host);
}

function parseAddress(address: string | null): { host: string; port: number } | undefined {
  const colon = address?.lastIndexOf(":") ?? -1;
  if (address === null || colon <= 0) return undefined;
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, "$1"), port };
}

function relay(ws: WebSocket, target: { host: string; port: number }): void {
  const tcp = net.connect(target.port, target.host);
  tcp.setNoDelay(true);
  const terminate = new TerminateDetector();

  ws.on("message", (data: RawData) => {
    if (tcp.writableEnded) return;
    const chunk = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data;
    if (terminate.push(chunk)) tcp.end(chunk);
    else tcp.write(chunk);
  });
  ws.on("close", () => tcp.destroy());
  ws.on("error", () => tcp.destroy());

  tcp.on("data", (chunk) => ws.send(chunk));
  // 'close' follows 'error', so the WebSocket is closed exactly once, in one place.
  tcp.on("error", () => {});
  tcp.on("close", () => ws.close());
}
