// Neon's WebSocket proxy, locally: `GET /v1?address=host:port` upgrades to a WebSocket whose
// binary messages are relayed to and from a TCP connection to that Postgres. The Neon driver
// reaches it through `neonConfig.wsProxy` (see db/client.ts).
import type { Server } from "node:http";
import net from "node:net";
import { WebSocketServer } from "ws";
import type { RawData, WebSocket } from "ws";

/**
 * Serves the proxy on `server`'s upgrade requests; `close()` drops every relayed connection.
 * Relays only to `allowed`, the database this endpoint serves: it is no open TCP relay.
 * While `reachable()` is false, upgrades are cut off as an unreachable host would be.
 */
export function attachWebSocketProxy(server: Server, allowed: { host: string; port: number }, reachable: () => boolean = () => true): { close(): void; dropConnections(): void } {
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (request, socket, head) => {
    if (!reachable()) {
      socket.destroy();
      return;
    }
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
    dropConnections() {
      for (const ws of wss.clients) ws.terminate();
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

  // After Terminate the server closes the TCP connection, which closes the WebSocket.
  ws.on("message", (data: RawData) => {
    if (tcp.writableEnded) return;
    tcp.write(Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data);
  });
  ws.on("close", () => tcp.destroy());
  ws.on("error", () => tcp.destroy());

  tcp.on("data", (chunk) => ws.send(chunk));
  // 'close' follows 'error', so the WebSocket is closed exactly once, in one place.
  tcp.on("error", () => {});
  tcp.on("close", () => ws.close());
}
