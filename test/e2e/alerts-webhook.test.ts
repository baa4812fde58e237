/**
 * An error-rate alert on the whole local stack (issue #18), as in production: requests are
 * planted in exposures, QStash delivers the signed aggregation job to the API worker, the job
 * aggregates and evaluates the rules, the transition's event goes through the webhook outbox and
 * the local QStash to a receiver on this machine, which verifies it with the standardwebhooks
 * library. A rule fires once while the errors hold (two job runs: one notification) and resolves
 * once when they stop.
 *
 * The job evaluates at the worker's real clock (POST /api/jobs/aggregate takes no time), so the
 * test cannot wait for the errors to leave the window an hour later. Errors "stop" the way they
 * do in production within the hour: the prompt keeps serving, without errors, and the window's
 * error rate falls under the threshold. The window is two hours, so a test that runs across an
 * hour boundary still sees every request it planted.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@upstash/qstash";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_PAYLOAD_SCHEMAS } from "../../workers/shared/src/webhook-payloads.ts";
import type { LocalStack } from "../../local/stack.ts";
import { apiClient, until } from "../support/http-client.ts";
import { startTestStack } from "../support/test-stack.ts";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that accepts everything and keeps what it got. */
class Receiver {
  readonly received: Received[] = [];
  private server!: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
        response.writeHead(200, { "content-type": "text/plain" }).end("ok");
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let stack: LocalStack;
let stopStack: () => Promise<void>;
let database: pg.Client;
let qstash: Client;
const receiver = new Receiver();
const api = apiClient(() => stack.urls.api);

beforeAll(async () => {
  await receiver.start();
  ({ stack, stop: stopStack } = await startTestStack());
  database = new pg.Client({ connectionString: stack.services.database!.connectionString });
  await database.connect();
  qstash = new Client({ baseUrl: stack.urls.qstash, token: stack.services.qstash!.token, devMode: false, enableTelemetry: false });
}, 120_000);

afterAll(async () => {
  await database?.end();
  await stopStack?.();
  await receiver.close();
});

/** Has QStash deliver the scheduled aggregation job once, signed, and waits until it was. */
async function runJob(): Promise<void> {
  const { messageId } = await qstash.publish({ url: `${stack.urls.api}/api/jobs/aggregate`, retries: 0 });
  const state = await until(
    60_000,
    async () => ((await (await fetch(`${stack.urls.qstash}/v2/messages/${messageId}`, { headers: { authorization: `Bearer ${stack.services.qstash!.token}` } })).json()) as { state: string }).state,
    (current) => ["DELIVERED", "FAILED", "CANCELED"].includes(current),
  );
  expect(state, "the aggregation job was delivered and answered 2xx").toBe("DELIVERED");
}

/** `count` requests of the prompt served just now in production, the first `errors` of them failed. */
async function serve(workspaceId: string, promptId: string, count: number, errors: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    await database.query(
      `insert into exposures (trace_id, workspace_id, prompt_id, version_id, environment, latency_ms, status, served_at)
       values ($1, $2, $3, 'pv_planted', 'production', 20, $4, now())`,
      [`tr_${crypto.randomUUID()}`, workspaceId, promptId, index < errors ? "error" : "success"],
    );
  }
}

/** The body, verified with the endpoint's secret, its data checked against the documented payload of its type. */
function verified(request: Received, secret: string) {
  const body = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: "alert.fired" | "alert.resolved"; timestamp: string; data: Record<string, any> };
  const documented = WEBHOOK_PAYLOAD_SCHEMAS[body.type].safeParse(body.data);
  expect(documented.success, `${body.type} as documented: ${JSON.stringify(body.data)}`).toBe(true);
  return body;
}

describe("an error-rate alert notifying a webhook", () => {
  it("fires once when planted errors cross the threshold and resolves once when they stop: one alert.fired and one alert.resolved, both verified", async () => {
    const session = await api("POST", "/api/auth/register", { body: { email: `oncall-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Sam" } });
    expect(session.status).toBe(201);
    const workspace = await api("POST", "/api/workspaces", { token: session.body.access_token, body: { name: "On call" } });
    const ws = { token: session.body.access_token as string, workspaceId: workspace.body.id as string };
    const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug: `support-${crypto.randomUUID().slice(0, 8)}`, name: "Support" } });
    expect(prompt.status, JSON.stringify(prompt.body)).toBe(201);

    const hook = await api("POST", "/api/webhooks", { ...ws, body: { url: `${receiver.url}/alerts`, events: ["alert.fired", "alert.resolved"] } });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const secret = hook.body.secret as string;
    const created = await api("POST", "/api/alerts", {
      ...ws,
      body: { name: "Support errors", metric: "error_rate", threshold: 0.2, prompt_id: prompt.body.id, environment: "production", window_minutes: 120, min_requests: 5 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ruleId = created.body.id as string;
    const rule = async () => (await api("GET", `/api/alerts/${ruleId}`, ws)).body;

    // 4 errors in 10 requests: 40 % > 20 %. Two runs of the job while it holds: one notification.
    await serve(ws.workspaceId, prompt.body.id, 10, 4);
    await runJob();
    expect(await rule()).toMatchObject({ state: "firing", last_value: 0.4 });
    await runJob();
    expect(await rule()).toMatchObject({ state: "firing", last_value: 0.4 });
    const fired = await until(30_000, async () => [...receiver.received], (received) => received.length >= 1);
    expect(fired).toHaveLength(1);
    expect(verified(fired[0]!, secret)).toMatchObject({
      type: "alert.fired",
      data: {
        workspace_id: ws.workspaceId,
        actor: null,
        alert: { rule_id: ruleId, name: "Support errors", metric: "error_rate", threshold: 0.2, window_minutes: 120, value: 0.4 },
        prompt: { id: prompt.body.id, slug: prompt.body.slug, name: "Support" },
        environment: "production",
      },
    });

    // The errors stop; 40 more requests succeed: 4 in 50 is 8 %, under the threshold.
    await serve(ws.workspaceId, prompt.body.id, 40, 0);
    await runJob();
    expect(await rule()).toMatchObject({ state: "ok", last_value: 0.08 });
    await runJob();
    const received = await until(30_000, async () => [...receiver.received], (all) => all.length >= 2);
    // Give a stray or repeated delivery time to show up: none may.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receiver.received).toHaveLength(2);
    const events = receiver.received.map((request) => verified(request, secret));
    expect(events.map((event) => [event.type, event.data.alert.rule_id, event.data.alert.value])).toEqual([
      ["alert.fired", ruleId, 0.4],
      ["alert.resolved", ruleId, 0.08],
    ]);
    expect(new Set(received.map((request) => request.headers["webhook-id"])).size).toBe(2);

    // The rule's history and the notifications list say the same.
    const history = await api("GET", `/api/alerts/${ruleId}/history`, ws);
    expect(history.body.events.map((event: { kind: string; value: number }) => [event.kind, event.value])).toEqual([
      ["resolved", 0.08],
      ["fired", 0.4],
    ]);
    const notifications = await api("GET", "/api/notifications", ws);
    expect(notifications.body.events.map((event: { rule_id: string; kind: string }) => [event.rule_id, event.kind])).toEqual([
      [ruleId, "resolved"],
      [ruleId, "fired"],
    ]);
  });
});
