/**
 * Webhooks on the whole local stack (issue #18), as in production: the change's transaction
 * writes the event, the API worker dispatches it after the request, the local QStash delivers
 * the delivery job, which signs and POSTs to a receiver on this machine (the stack sets
 * WEBHOOKS_ALLOW_LOOPBACK, as `npm run dev` does). The receiver verifies each request with the
 * standardwebhooks library and the endpoint's secret. A receiver failing three times gets the
 * event accepted once, after QStash's retries, with every attempt in the delivery log.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import type { LocalStack } from "../../local/stack.ts";
import { apiClient, until } from "../support/http-client.ts";
import { startTestStack } from "../support/test-stack.ts";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A receiver on 127.0.0.1: answers each path's planned statuses in turn, then 200. */
class Receiver {
  readonly received: Received[] = [];
  readonly plans = new Map<string, number[]>();
  private server!: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const path = request.url ?? "/";
        const status = this.plans.get(path)?.shift() ?? 200;
        this.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), answered: status });
        if (status === 302) return void response.writeHead(302, { location: `${this.url}/redirected` }).end();
        // 413: a long answer, of which only the start may be read and kept.
        if (status === 413) return void response.writeHead(413, { "content-type": "text/plain" }).end("x".repeat(200_000));
        response.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : `planned failure ${status}`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((request) => request.path === path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let stack: LocalStack;
let stopStack: () => Promise<void>;
const receiver = new Receiver();
const api = apiClient(() => stack.urls.api);

beforeAll(async () => {
  await receiver.start();
  // Small backoff, so the retries of a failing receiver follow each other quickly.
  ({ stack, stop: stopStack } = await startTestStack({ qstashRetryBaseDelayMs: 100 }));
}, 120_000);

afterAll(async () => {
  await stopStack?.();
  await receiver.close();
});

async function workspaceWithPrompt() {
  const session = await api("POST", "/api/auth/register", { body: { email: `pm-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Pat" } });
  const token = session.body.access_token as string;
  const workspace = await api("POST", "/api/workspaces", { token, body: { name: "Growth" } });
  const ws = { token, workspaceId: workspace.body.id as string };
  const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug: `welcome-${crypto.randomUUID().slice(0, 8)}`, name: "Welcome" } });
  const version = await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content: "Hello" } });
  return { ws, userId: session.body.user.id as string, prompt: prompt.body as { id: string; slug: string }, version: version.body as { id: string } };
}

async function endpoint(ws: { token: string; workspaceId: string }, path: string) {
  const created = await api("POST", "/api/webhooks", { ...ws, body: { url: `${receiver.url}${path}`, events: ["version.published", "version.rolled_back"] } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; secret: string };
}

function verified(request: Received, secret: string) {
  return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> };
}

describe("webhooks through the local QStash", () => {
  it("delivers version.published to a local receiver within 5 s, signed so that standardwebhooks verifies it", async () => {
    const { ws, userId, prompt, version } = await workspaceWithPrompt();
    const hook = await endpoint(ws, "/published");
    // A test event first: the stack's isolates warm up on it, so the 5 s below measure the pipeline.
    expect((await api("POST", `/api/webhooks/${hook.id}/test`, ws)).status).toBe(202);
    const test = await until(30_000, async () => receiver.at("/published"), (requests) => requests.length === 1);
    expect(verified(test[0]!, hook.secret)).toMatchObject({ type: "webhook.test", data: { webhook_id: hook.id } });

    const published = await api("PUT", `/api/prompts/${prompt.id}/versions/${version.id}/publish`, { ...ws, body: { environment: "production" } });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const arrived = await until(5_000, async () => receiver.at("/published"), (requests) => requests.length === 2);
    expect(arrived, "version.published received within 5 s of the publish").toHaveLength(2);
    const request = arrived[1]!;
    expect(request.headers["webhook-id"]).toMatch(/^msg_/);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(verified(request, hook.secret)).toMatchObject({
      type: "version.published",
      data: { prompt: { id: prompt.id, slug: prompt.slug }, version: { id: version.id, number: 1 }, environment: "production", previous_version: null, approval_id: null, actor: { user_id: userId } },
    });
    // A receiver with another secret refuses it.
    expect(() => verified(request, `whsec_${Buffer.alloc(32, 7).toString("base64")}`)).toThrow();
  });

  it("retries a receiver answering 500 three times: accepted exactly once, four attempts in the delivery log", async () => {
    const { ws, prompt, version } = await workspaceWithPrompt();
    const hook = await endpoint(ws, "/flaky");
    receiver.plans.set("/flaky", [500, 500, 500]);
    expect((await api("PUT", `/api/prompts/${prompt.id}/versions/${version.id}/publish`, { ...ws, body: { environment: "production" } })).status).toBe(200);

    const log = await until(
      60_000,
      async () => (await api("GET", `/api/webhooks/${hook.id}/deliveries`, ws)).body,
      (body) => body.deliveries?.[0]?.status === "succeeded",
    );
    expect(log.deliveries).toHaveLength(1);
    const delivery = log.deliveries[0];
    expect(delivery).toMatchObject({ event: "version.published", status: "succeeded", attempts: 4, response_status: 200 });
    expect(delivery.attempt_log.map((attempt: { response_status: number; succeeded: boolean }) => [attempt.response_status, attempt.succeeded])).toEqual([
      [500, false],
      [500, false],
      [500, false],
      [200, true],
    ]);
    expect(delivery.attempt_log[0].response_excerpt).toBe("planned failure 500");
    // Give a stray retry time to show up: none may.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const requests = receiver.at("/flaky");
    expect(requests.map((request) => request.answered)).toEqual([500, 500, 500, 200]);
    // Every attempt is the same event (one webhook-id), each verifiable.
    expect(new Set(requests.map((request) => request.headers["webhook-id"])).size).toBe(1);
    for (const request of requests) expect(verified(request, hook.secret).type).toBe("version.published");
    expect((await api("GET", `/api/webhooks/${hook.id}`, ws)).body.consecutive_failures).toBe(0);
  });

  it("never follows a redirect, keeps 1 KB of a long answer, and redelivers an event with its webhook-id", async () => {
    const { ws, prompt, version } = await workspaceWithPrompt();
    const hook = await endpoint(ws, "/moved");
    // Every attempt redirected or refused with a long body: the delivery fails after its retries.
    receiver.plans.set("/moved", [302, 413, 302, 413, 302, 413]);
    expect((await api("PUT", `/api/prompts/${prompt.id}/versions/${version.id}/publish`, { ...ws, body: { environment: "production" } })).status).toBe(200);
    const failed = await until(
      60_000,
      async () => (await api("GET", `/api/webhooks/${hook.id}/deliveries`, ws)).body,
      (body) => body.deliveries?.[0]?.status === "failed",
    );
    const delivery = failed.deliveries[0];
    expect(delivery.attempt_log).toHaveLength(6);
    expect(delivery.attempt_log[0]).toMatchObject({ succeeded: false, response_status: 302, error: expect.stringContaining("not followed") });
    expect(delivery.attempt_log[1]).toMatchObject({ succeeded: false, response_status: 413 });
    expect(delivery.attempt_log[1].response_excerpt).toBe("x".repeat(1_024));
    expect(receiver.at("/redirected")).toEqual([]);
    expect((await api("GET", `/api/webhooks/${hook.id}`, ws)).body.consecutive_failures).toBe(1);

    // Redelivered once the receiver is fixed: a new delivery, the same event and webhook-id.
    const redelivered = await api("POST", `/api/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`, ws);
    expect(redelivered.status, JSON.stringify(redelivered.body)).toBe(202);
    const log = await until(
      30_000,
      async () => (await api("GET", `/api/webhooks/${hook.id}/deliveries`, ws)).body,
      (body) => body.deliveries?.[0]?.status === "succeeded",
    );
    expect(log.deliveries.map((entry: { id: string; status: string; event_id: string }) => [entry.id, entry.status, entry.event_id])).toEqual([
      [redelivered.body.delivery_id, "succeeded", delivery.event_id],
      [delivery.id, "failed", delivery.event_id],
    ]);
    const requests = receiver.at("/moved");
    expect(requests).toHaveLength(7);
    expect(new Set(requests.map((request) => request.headers["webhook-id"]))).toEqual(new Set([delivery.event_id]));
    expect(verified(requests[6]!, hook.secret).type).toBe("version.published");
    expect((await api("GET", `/api/webhooks/${hook.id}`, ws)).body.consecutive_failures).toBe(0);
  });
});
