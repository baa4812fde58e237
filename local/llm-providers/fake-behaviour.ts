/**
 * What the three fake LLM providers share: how they answer (an echo, one output token per word),
 * how they count tokens (one per word, so tests can predict every number), and the error modes a
 * test selects by a magic word in the model name:
 *   fake-500    the provider's 500 error
 *   fake-429    the provider's 429 error, with `retry-after: 7`
 *   fake-400    the provider's 400 invalid-request error (not worth a retry)
 *   fake-hang   never answers (the client's timeout must end it)
 *   fake-break  a stream that sends two deltas and then drops the connection
 * The cached part of the input is the system message's tokens (a cached system prefix).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { HttpError, readBody } from "../http.ts";

export type FakeMode = "ok" | "500" | "429" | "400" | "hang" | "break";

export function modeOf(model: string): FakeMode {
  const match = /fake-(500|429|400|hang|break)/.exec(model);
  return (match?.[1] as FakeMode | undefined) ?? "ok";
}

/** One token per whitespace-separated word. */
export function fakeTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export interface FakeConversation {
  system: string;
  /** The other messages' texts, in order. */
  turns: Array<{ role: string; text: string }>;
}

export interface FakeReply {
  /** The output, one token (and one stream delta) per piece. */
  pieces: string[];
  inputTokens: number;
  cachedTokens: number;
  finish: "stop" | "length";
}

export function fakeReply(conversation: FakeConversation, maxTokens: number | undefined): FakeReply {
  const last = conversation.turns.at(-1)?.text ?? "";
  const words = `Echo: ${last}`.split(/\s+/).filter(Boolean);
  const limit = maxTokens ?? Number.POSITIVE_INFINITY;
  const kept = words.slice(0, limit);
  const pieces = kept.map((word, index) => (index === 0 ? word : ` ${word}`));
  const cachedTokens = fakeTokens(conversation.system);
  const inputTokens = cachedTokens + conversation.turns.reduce((sum, turn) => sum + fakeTokens(turn.text), 0);
  return { pieces, inputTokens, cachedTokens, finish: kept.length < words.length ? "length" : "stop" };
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

export type FakeHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

/** An HTTP server on 127.0.0.1 that can be closed even while a "hang" holds a connection open. */
export async function startFakeServer(handler: FakeHandler, port = 0): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    handler(request, response, url).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      const status = error instanceof HttpError ? error.status : 500;
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: error instanceof Error ? error.message : String(error) } }));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(request, 4 * 1024 * 1024);
  try {
    const parsed = JSON.parse(body.toString("utf8")) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    /* answered below */
  }
  throw new HttpError(400, "the body must be a JSON object");
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

export function startSse(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
}

/** Streams the pieces with `write`, or for fake-break drops the connection after two of them. */
export async function streamPieces(response: ServerResponse, pieces: string[], mode: FakeMode, write: (piece: string, index: number) => void): Promise<"done" | "broken"> {
  for (const [index, piece] of pieces.entries()) {
    if (mode === "break" && index === 2) {
      await sleep(5);
      response.destroy();
      return "broken";
    }
    write(piece, index);
    await sleep(1);
  }
  if (mode === "break") {
    response.destroy();
    return "broken";
  }
  return "done";
}

/** Holds the request open until the client gives up or the server closes. */
export function hang(response: ServerResponse): Promise<void> {
  return new Promise((done) => response.once("close", () => done()));
}
