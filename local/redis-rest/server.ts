// The HTTP side of the Upstash REST protocol: `POST /` (one command), `POST /pipeline`,
// `POST /multi-exec`, bearer-token auth, optional base64 replies, a JSON `{error}` for every
// failure. Nothing a client sends can throw past `handle`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { HttpError, hasBearerToken, readBody } from "../http.ts";
import { errorMessage, type Outcome } from "./backend.ts";
import type { Command, CommandRunner } from "./commands.ts";
import { base64Encoded } from "./encoding.ts";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function createRestServer(runner: CommandRunner, token: string): Server {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hasBearerToken(req, token)) {
      throw new HttpError(401, "Unauthorized");
    }
    if (req.method !== "POST") throw new HttpError(405, "ERR only POST is supported");
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/(.)\/$/, "$1");
    if (path !== "/" && path !== "/pipeline" && path !== "/multi-exec") {
      throw new HttpError(404, `ERR unknown path ${path}`);
    }
    const body = await readJson(req);
    const base64 = req.headers["upstash-encoding"]?.toString().toLowerCase() === "base64";
    const encode = (outcome: Outcome): Outcome =>
      base64 && "result" in outcome ? { result: base64Encoded(outcome.result) } : outcome;

    if (path === "/") {
      const result = await runner.run(parseCommand(body)).catch(commandFailed);
      return sendJson(res, 200, encode({ result }));
    }
    if (!Array.isArray(body) || body.length === 0) {
      throw new HttpError(400, "ERR expected a non-empty JSON array of commands");
    }
    const commands = body.map(parseCommand);
    const outcomes = path === "/pipeline"
      ? await runner.pipeline(commands)
      : await runner.transaction(commands).catch(commandFailed);
    sendJson(res, 200, outcomes.map(encode));
  }

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (res.headersSent) res.destroy();
      else sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
    });
  });
}

function parseCommand(body: unknown): Command {
  if (!Array.isArray(body) || body.length === 0) {
    throw new HttpError(400, "ERR a command must be a non-empty JSON array");
  }
  const [name, ...args] = body.map((part: unknown) => {
    if (typeof part === "string") return part;
    if ((typeof part === "number" && Number.isFinite(part)) || typeof part === "boolean") return String(part);
    throw new HttpError(400, "ERR command arguments must be strings, numbers or booleans");
  });
  if (!name) throw new HttpError(400, "ERR empty command name");
  return [name, ...args];
}

function commandFailed(error: unknown): never {
  throw new HttpError(400, errorMessage(error));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, MAX_BODY_BYTES, `ERR request body is larger than ${MAX_BODY_BYTES} bytes`);
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpError(400, "ERR failed to parse the request body as JSON");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
