/**
 * A small local stand-in for Langfuse's prompt endpoint, so the SDK suite can measure
 * `@langfuse/client`'s cached `prompt.get` + `compile` without a Langfuse server.
 *
 * It answers what the client calls (`@langfuse/core`'s `prompts.get`): GET
 * /api/public/v2/prompts/{name} with optional `version` or `label` (the production label when
 * neither is given), Basic auth with the public key as user and the secret key as password, and
 * a text prompt in the shape of Langfuse's API (name, version, type, prompt, config, labels,
 * tags, …). Errors answer as Langfuse does, with a status the client maps to its typed errors
 * (401, 404, 405). Loopback only; every request is counted, so a bench can show that the
 * measured calls were answered from the client's cache.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LangfuseTextPrompt {
  name: string;
  version: number;
  /** Mustache-style: `{{variable}}`, sections `{{#flag}}…{{/flag}}`. */
  prompt: string;
  labels: string[];
  config?: Record<string, unknown>;
  tags?: string[];
}

export interface LangfuseStandIn {
  baseUrl: string;
  publicKey: string;
  secretKey: string;
  /** Requests answered so far, whatever their status. */
  requests(): number;
  close(): Promise<void>;
}

const PATH = /^\/api\/public\/v2\/prompts\/([^/?]+)$/;
const MAX_PROMPTS = 1000;

export async function startLangfuseStandIn(prompts: LangfuseTextPrompt[], keys = { publicKey: "pk-lf-bench", secretKey: "sk-lf-bench" }): Promise<LangfuseStandIn> {
  if (prompts.length > MAX_PROMPTS) throw new Error(`the Langfuse stand-in holds at most ${MAX_PROMPTS} prompts, got ${prompts.length}`);
  const expectedAuth = `Basic ${Buffer.from(`${keys.publicKey}:${keys.secretKey}`).toString("base64")}`;
  let requests = 0;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests++;
    const url = new URL(request.url ?? "/", "http://stand-in");
    const match = PATH.exec(url.pathname);
    if (!match) return reply(response, 404, { message: `No route for ${url.pathname}`, error: "LangfuseNotFoundError" });
    if (request.method !== "GET") return reply(response, 405, { message: `Method ${request.method} not allowed`, error: "MethodNotAllowedError" });
    if (request.headers.authorization !== expectedAuth) {
      return reply(response, 401, { message: "Invalid credentials. Confirm that you've configured the correct host.", error: "UnauthorizedError" });
    }
    const name = decodeURIComponent(match[1]!);
    const version = url.searchParams.get("version");
    const label = url.searchParams.get("label") ?? (version === null ? "production" : null);
    const found = prompts.find((prompt) => prompt.name === name && (version !== null ? String(prompt.version) === version : prompt.labels.includes(label!)));
    if (!found) {
      return reply(response, 404, { message: `Prompt not found: '${name}' with ${version !== null ? `version ${version}` : `label '${label}'`}`, error: "LangfuseNotFoundError" });
    }
    const now = new Date(0).toISOString();
    reply(response, 200, {
      id: `stand-in-${found.name}-${found.version}`,
      createdAt: now,
      updatedAt: now,
      projectId: "stand-in-project",
      createdBy: "stand-in",
      name: found.name,
      version: found.version,
      type: "text",
      prompt: found.prompt,
      config: found.config ?? {},
      labels: found.labels,
      tags: found.tags ?? [],
      commitMessage: null,
      resolutionGraph: null,
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    ...keys,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}
