/**
 * The SDKs against the whole local stack (D2), as apps use them — the TypeScript one throughout,
 * the Python one for serving and reporting: what it serves
 * while a PM publishes, rolls back and revokes; an A/B effect planted through it (local
 * assignment, local exposures, track) recovered exactly by the experiment's results; events
 * sent while the edge answers 503 arriving once each; and, with the stack stopped, answers from
 * its cache, a bootstrap bundle or the app's fallback.
 */
import { execFile, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { ROOT, type LocalStack } from "../../local/stack.ts";
import { PromptNotFoundError, XR2, type Prompt } from "../../sdk/typescript/src/index.ts";
import { apiClient, until } from "../support/http-client.ts";
import { queryDatabase } from "../support/database.ts";
import { startTestStack } from "../support/test-stack.ts";

// The Python SDK needs only a python3 (≥ 3.9) on the PATH; a machine without one skips its test (CI has one).
const HAS_PYTHON = spawnSync("python3", ["-c", "import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)"]).status === 0;

let stack: LocalStack;
let stopStack: () => Promise<void>;
let stopped = false;
const clients: XR2[] = [];

beforeAll(async () => {
  ({ stack, stop: stopStack } = await startTestStack());
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  if (!stopped) await stopStack?.();
});

const api = apiClient(() => stack.urls.api);

function sdk(options: Partial<ConstructorParameters<typeof XR2>[0]> & { apiKey: string }): XR2 {
  const client = new XR2({ baseUrl: stack.urls.edge, environment: "production", source: "sdk-e2e", ...options });
  clients.push(client);
  return client;
}

const query = <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryDatabase<R>(stack.urls.database, text, values);

/** A workspace with a PM's token, and a Product API key. */
async function workspace() {
  const session = await api("POST", "/api/auth/register", { body: { email: `pm-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Pat" } });
  const token = session.body.access_token as string;
  const created = await api("POST", "/api/workspaces", { token, body: { name: "SDK" } });
  const ws = { token, workspaceId: created.body.id as string };
  const key = await api("POST", "/api/product-api-keys", { ...ws, body: { name: "app" } });
  return { ws, key: key.body.key as string, keyId: key.body.id as string };
}

async function createPrompt(ws: { token: string; workspaceId: string }, slug: string, versions: string[]) {
  const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug, name: slug } });
  const ids: string[] = [];
  for (const content of versions) ids.push((await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content } })).body.id as string);
  return { promptId: prompt.body.id as string, versionIds: ids };
}

async function publish(ws: { token: string; workspaceId: string }, promptId: string, versionId: string, environment = "production") {
  const published = await api("PUT", `/api/prompts/${promptId}/versions/${versionId}/publish`, { ...ws, body: { environment } });
  expect(published.status, JSON.stringify(published.body)).toBe(200);
}

describe("the SDKs on the local stack", () => {
  it("serves v1 from the network, then from cache; a publish, a rollback and a revocation reach it within two refreshes", async () => {
    const { ws, key, keyId } = await workspace();
    const { promptId, versionIds } = await createPrompt(ws, "welcome", ["Hello, {name}.", "Hey {name}!"]);
    await publish(ws, promptId, versionIds[0]!);
    const xr2 = sdk({ apiKey: key, cacheTtlSeconds: 1 });

    const first = await xr2.getPrompt("welcome", { variables: { name: "Ada" } });
    expect(first).toMatchObject({ content: "Hello, Ada.", version: 1, version_id: versionIds[0], origin: "network" });
    expect(first.trace_id).toMatch(/^tr_[0-9a-hjkmnp-tv-z]{26}$/);
    const second = await xr2.getPrompt("welcome", { variables: { name: "Bo" } });
    expect(second).toMatchObject({ content: "Hello, Bo.", origin: "cache" });
    expect(second.trace_id).not.toBe(first.trace_id);

    // Calls get v2 once a background refresh begun after the publish lands: the first one, or the
    // next (one TTL later) if the first met the edge's copy of a quarter second. Counted in
    // refreshes begun before the call that got it, not in wall time, so a busy machine only
    // makes it later.
    const afterRefreshes = async (change: () => Promise<void>, name: string, arrived: (prompt: Prompt) => boolean) => {
      await change();
      const since = xr2.stats().refreshes;
      const seen = await until(15_000, async () => ({ refreshes: xr2.stats().refreshes - since, prompt: await xr2.getPrompt("welcome", { variables: { name } }) }), ({ prompt }) => arrived(prompt));
      expect(seen.refreshes, "refreshes begun after the change before the call that got it").toBeLessThanOrEqual(2);
      return seen.prompt;
    };
    const published = await afterRefreshes(() => publish(ws, promptId, versionIds[1]!), "Cy", (answer) => answer.version === 2);
    expect(published).toMatchObject({ content: "Hey Cy!", version: 2, version_id: versionIds[1] });

    const rollBack = async () => expect((await api("POST", `/api/prompts/${promptId}/rollback`, { ...ws, body: { environment: "production" } })).status).toBe(200);
    const rolledBack = await afterRefreshes(rollBack, "Di", (answer) => answer.version === 1);
    expect(rolledBack).toMatchObject({ content: "Hello, Di.", version: 1, version_id: versionIds[0] });

    // Revoked: refreshes fail, and the SDK keeps serving what it has, saying it is stale.
    const revoke = async () => expect((await api("DELETE", `/api/product-api-keys/${keyId}`, ws)).status).toBeLessThan(300);
    const stale = await afterRefreshes(revoke, "Ed", (answer) => answer.origin === "stale");
    expect(stale).toMatchObject({ content: "Hello, Ed.", version: 1, origin: "stale" });

    // What it served was reported: the exposures are stored with their origins, under the version served.
    await xr2.flush();
    const traces = [first.trace_id, second.trace_id, published.trace_id];
    const stored = await until(10_000, () => query<{ trace_id: string; version_id: string; origin: string | null }>("select trace_id, version_id, origin::text from exposures where trace_id = any($1)", [traces]), (rows) => rows.length === traces.length);
    expect(new Map(stored.map((row) => [row.trace_id, [row.version_id, row.origin]]))).toEqual(
      new Map([
        [first.trace_id, [versionIds[0], "network"]],
        [second.trace_id, [versionIds[0], "cache"]],
        [published.trace_id, [versionIds[1], published.origin]],
      ]),
    );
  });

  it("recovers a planted A/B effect sent through the SDK exactly, and assigns each unit the variant the edge does", async () => {
    const { ws, key } = await workspace();
    const { promptId, versionIds } = await createPrompt(ws, "checkout", ["Buy {item}.", "Get {item} now!"]);
    await publish(ws, promptId, versionIds[0]!);
    await publish(ws, promptId, versionIds[1]!, "staging");
    const experiment = await api("POST", "/api/experiments", {
      ...ws,
      body: { prompt_id: promptId, environment: "production", name: "Urgency", primary_event: "purchase", variants: [{ version_id: versionIds[0], weight: 1 }, { version_id: versionIds[1], weight: 1 }] },
    });
    expect(experiment.status, JSON.stringify(experiment.body)).toBe(201);
    expect((await api("POST", `/api/experiments/${experiment.body.id}/start`, ws)).status).toBe(200);

    // The experiment's start reaches the edge's projection; the SDK's first fetch then carries it.
    const document = await until(5_000, async () => (await fetch(`${stack.urls.edge}/api/v1/prompts/checkout`, { headers: { authorization: `Bearer ${key}` } })).json() as Promise<{ experiment: unknown }>, (answer) => answer.experiment !== null);
    expect(document.experiment).not.toBeNull();
    const xr2 = sdk({ apiKey: key, cacheTtlSeconds: 60 });
    const UNITS = 80;
    const served: Array<{ unit: string; variant: string; traceId: string; versionId: string; content: string | null }> = [];
    for (let index = 0; index < UNITS; index++) {
      const answer = await xr2.getPrompt("checkout", { variables: { item: "socks" }, unitId: `unit-${index}` });
      served.push({ unit: `unit-${index}`, variant: answer.variant!, traceId: answer.trace_id, versionId: answer.version_id!, content: answer.content });
    }
    for (const answer of served) {
      expect(answer.versionId).toBe(answer.variant === "control" ? versionIds[0] : versionIds[1]);
      expect(answer.content).toBe(answer.variant === "control" ? "Buy socks." : "Get socks now!");
    }
    // The planted effect: a quarter of the control's units buy, half of the treatment's.
    const buys = served.filter((answer, index) => index % (answer.variant === "control" ? 4 : 2) === 0);
    for (const answer of buys) xr2.track(answer.traceId, "purchase", { revenue: 10 });
    await xr2.flush();

    const expected = (variant: string) => ({ units: served.filter((answer) => answer.variant === variant).length, conversions: buys.filter((answer) => answer.variant === variant).length });
    const results = await until(
      15_000,
      () => api("GET", `/api/analytics/experiments/${experiment.body.id}`, ws),
      (answer) => answer.body.variants?.reduce((sum: number, variant: { units: number }) => sum + variant.units, 0) === UNITS && answer.body.variants?.reduce((sum: number, variant: { conversions: number }) => sum + variant.conversions, 0) === buys.length,
    );
    expect(results.status).toBe(200);
    expect(results.body.variants.map((variant: { key: string; units: number; conversions: number; exposures: number }) => [variant.key, variant.units, variant.conversions, variant.exposures])).toEqual([
      ["control", expected("control").units, expected("control").conversions, expected("control").units],
      ["variant_1", expected("variant_1").units, expected("variant_1").conversions, expected("variant_1").units],
    ]);
    expect(expected("control").units).toBeGreaterThan(0);
    expect(expected("variant_1").units).toBeGreaterThan(0);

    // The edge assigns the same units the same variants.
    for (const answer of served.slice(0, 20)) {
      const response = await fetch(`${stack.urls.edge}/api/v1/get-prompt/checkout?unit_id=${answer.unit}&var.item=socks`, { headers: { authorization: `Bearer ${key}` } });
      expect(((await response.json()) as { variant?: string }).variant, answer.unit).toBe(answer.variant);
    }
  });

  it("delivers every event once while the edge answers 503 for a while, none twice", async () => {
    const { ws, key } = await workspace();
    const { promptId, versionIds } = await createPrompt(ws, "support", ["How can I help?"]);
    await publish(ws, promptId, versionIds[0]!);
    const proxy = await flakyProxy(stack.urls.edge);
    try {
      const xr2 = sdk({ apiKey: key, baseUrl: proxy.url });
      const traces: string[] = [];
      for (let index = 0; index < 5; index++) traces.push((await xr2.getPrompt("support")).trace_id);
      proxy.failing(true);
      const sent: string[] = [];
      for (let index = 0; index < 250; index++) sent.push(xr2.track(traces[index % traces.length]!, "ticket_solved", { minutes: index })!);
      // Batches go out one second after the first event: let them meet the outage, then end it.
      await until(10_000, async () => proxy.failed(), (failed) => failed >= 4);
      proxy.failing(false);
      await xr2.flush();
      expect(proxy.failed()).toBeGreaterThanOrEqual(4);

      // Each id the SDK handed out is stored, and nothing else: a retry that minted new ids for
      // events the edge had already taken (the answers lost above) would show as extra rows.
      const stored = await until(
        15_000,
        () => query<{ event_id: string }>("select event_id from events where workspace_id = $1", [ws.workspaceId]),
        (rows) => rows.length >= sent.length,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const settled = await query<{ event_id: string }>("select event_id from events where workspace_id = $1", [ws.workspaceId]);
      expect(settled.map((row) => row.event_id).sort()).toEqual([...sent].sort());
      expect(stored.length).toBe(sent.length);
      expect(xr2.stats().events).toMatchObject({ sent: sent.length, failed: 0, dropped: 0, refused: 0 });
    } finally {
      await proxy.close();
    }
  });

  it.skipIf(!HAS_PYTHON)("the Python SDK serves and reports against the same edge: exposures with their origins, the event attributed to the version served", async () => {
    const { ws, key } = await workspace();
    const { promptId, versionIds } = await createPrompt(ws, "python-welcome", ["Hello from Python, {name}."]);
    await publish(ws, promptId, versionIds[0]!);
    const script = [
      "import json, sys",
      "from xr2 import XR2",
      "with XR2(api_key=sys.argv[1], base_url=sys.argv[2], source='py-e2e') as xr2:",
      "    answers = [xr2.get_prompt('python-welcome', variables={'name': name}) for name in ('Ada', 'Bo')]",
      "    event_id = xr2.track(answers[0].trace_id, 'signup', {'plan': 'pro'})",
      "    xr2.flush(timeout=20)",
      "print(json.dumps({'answers': [{'content': a.content, 'origin': a.origin, 'trace_id': a.trace_id, 'version_id': a.version_id} for a in answers], 'event_id': event_id}))",
    ].join("\n");
    const output = await new Promise<string>((resolve, reject) =>
      execFile("python3", ["-c", script, key, stack.urls.edge], { env: { ...process.env, PYTHONPATH: join(ROOT, "sdk/python") }, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout))),
    );
    const result = JSON.parse(output) as { answers: Array<{ content: string; origin: string; trace_id: string; version_id: string }>; event_id: string };
    expect(result.answers.map((answer) => [answer.content, answer.origin, answer.version_id])).toEqual([
      ["Hello from Python, Ada.", "network", versionIds[0]],
      ["Hello from Python, Bo.", "cache", versionIds[0]],
    ]);
    const traces = result.answers.map((answer) => answer.trace_id);
    const exposures = await until(10_000, () => query<{ trace_id: string; origin: string; source: string }>("select trace_id, origin::text, source from exposures where trace_id = any($1)", [traces]), (rows) => rows.length === 2);
    expect(new Map(exposures.map((row) => [row.trace_id, [row.origin, row.source]]))).toEqual(new Map([[traces[0], ["network", "py-e2e"]], [traces[1], ["cache", "py-e2e"]]]));
    const events = await until(10_000, () => query<{ event_id: string; version_id: string | null }>("select event_id, version_id from events where workspace_id = $1", [ws.workspaceId]), (rows) => rows.length === 1 && rows[0]!.version_id !== null);
    expect(events).toEqual([{ event_id: result.event_id, version_id: versionIds[0] }]);
  });

  it("keeps answering with the whole stack stopped: from a warm cache or a bootstrap, else the fallback; only a slug that exists nowhere throws", async () => {
    const { ws, key } = await workspace();
    const { promptId, versionIds } = await createPrompt(ws, "greeting", ["Welcome back, {name}."]);
    await publish(ws, promptId, versionIds[0]!);
    const warm = sdk({ apiKey: key, maxSendAttempts: 1 });
    expect((await warm.getPrompt("greeting", { variables: { name: "Ada" } })).origin).toBe("network");
    await expect(warm.getPrompt("never-created")).rejects.toBeInstanceOf(PromptNotFoundError);
    const bundle = await (await fetch(`${stack.urls.edge}/api/v1/prompts?env=production`, { headers: { authorization: `Bearer ${key}` } })).text();

    await stopStack();
    stopped = true;

    const cached = await warm.getPrompt("greeting", { variables: { name: "Bo" } });
    expect(cached.content).toBe("Welcome back, Bo.");
    expect(["cache", "stale"]).toContain(cached.origin);
    const booted = await sdk({ apiKey: key, bootstrap: bundle, fetchTimeoutMs: 500, maxRetries: 0, maxSendAttempts: 1 }).getPrompt("greeting", { variables: { name: "Cy" } });
    expect(booted).toMatchObject({ content: "Welcome back, Cy.", origin: "bootstrap", version_id: versionIds[0] });
    const cold = sdk({ apiKey: key, fallbacks: { greeting: { content: "Hello, {name}!" } }, fetchTimeoutMs: 500, maxRetries: 0, maxSendAttempts: 1 });
    expect(await cold.getPrompt("greeting", { variables: { name: "Di" } })).toMatchObject({ content: "Hello, Di!", origin: "fallback", version_id: null });
    // Nothing cached, no bundle, no fallback: nothing to serve, and the error names the slug.
    const bare = sdk({ apiKey: key, fetchTimeoutMs: 500, maxRetries: 0, maxSendAttempts: 1 });
    await expect(bare.getPrompt("greeting")).rejects.toThrow(/greeting/);
    // Tracking never throws, with the stack gone.
    expect(() => warm.track(cached.trace_id, "purchase", { revenue: 1 })).not.toThrow();
  });
});

/**
 * A stand-in network path to the edge that fails for a while: during the window, event batches
 * are answered 503 (half before reaching the edge, half after it accepted them, as when an
 * answer is lost), so the SDK must retry the same events and xR2 must store each once.
 */
async function flakyProxy(target: string): Promise<{ url: string; failing: (on: boolean) => void; failed: () => number; close: () => Promise<void> }> {
  let failing = false;
  let failed = 0;
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const isEvents = request.url?.startsWith("/api/v1/events");
    const refuseBefore = failing && isEvents && failed % 2 === 0;
    const refuseAfter = failing && isEvents && !refuseBefore;
    if (refuseBefore) {
      failed++;
      response.writeHead(503, { "content-type": "application/json", "retry-after": "1" }).end(JSON.stringify({ error: { code: "DEPENDENCY_UNAVAILABLE", message: "injected", request_id: "proxy" } }));
      return;
    }
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !["host", "connection", "content-length"].includes(name))) as Record<string, string>;
    const upstream = await fetch(`${target}${request.url}`, { method: request.method, headers, ...(body.length > 0 ? { body } : {}) });
    const text = await upstream.text();
    if (refuseAfter) {
      failed++;
      response.writeHead(503, { "content-type": "application/json", "retry-after": "1" }).end(JSON.stringify({ error: { code: "DEPENDENCY_UNAVAILABLE", message: "injected after the edge answered", request_id: "proxy" } }));
      return;
    }
    response.writeHead(upstream.status, Object.fromEntries([...upstream.headers].filter(([name]) => !["content-length", "content-encoding", "transfer-encoding", "connection"].includes(name)))).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failing: (on) => (failing = on),
    failed: () => failed,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
