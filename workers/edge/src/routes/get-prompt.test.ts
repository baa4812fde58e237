import { describe, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { apiKeys, exposures } from "@xr2/db/schema";
import { kvKeys, sha256Hex } from "@xr2/shared";
import { createEdgeApp } from "../app.ts";
import { createApiKey, createPublishedPrompt, database, newApiKey, pollUntil, readProjection } from "../testing/fixtures.ts";

function getPrompt(slug: string, key: string | null, query = "") {
  return exports.default.fetch(`http://edge.test/api/v1/get-prompt/${slug}${query}`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });
}

describe("GET /api/v1/get-prompt/{slug}", () => {
  it("serves a version only Postgres knows, through the API worker, and back-fills KV", async () => {
    const fixture = await createPublishedPrompt({ content: "Welcome to {product}", variables: [{ name: "product", type: "string", required: true }] });
    expect(await readProjection(fixture.workspaceId, fixture.slug)).toBeNull();

    const response = await getPrompt(fixture.slug, fixture.apiKey, "?var.product=Acme");
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ slug: fixture.slug, prompt_id: fixture.promptId, version_id: fixture.versionId, version: 1, environment: "production", content: "Welcome to Acme", variables: { product: "Acme" } });
    expect(body.trace_id).toMatch(/^tr_[0-9a-z]{26}$/);
    expect(response.headers.get("x-trace-id")).toBe(body.trace_id);

    expect(await readProjection(fixture.workspaceId, fixture.slug)).toMatchObject({ version_id: fixture.versionId });
    expect(await env.PROMPTS_KV.get(kvKeys.apiKey(await sha256Hex(fixture.apiKey)), "json")).toMatchObject({ key_id: fixture.keyId, workspace_id: fixture.workspaceId });
  });

  it("serves from KV alone once projected, and a change to KV once the isolate's cache expires", async () => {
    const fixture = await createPublishedPrompt({ content: "Original" });
    expect((await getPrompt(fixture.slug, fixture.apiKey)).status).toBe(200);
    // Change only the projection (as a publish or rollback does): the edge must answer from it
    // without asking Postgres, within the bound a publish has to reach the edge.
    const projected = (await readProjection(fixture.workspaceId, fixture.slug))!;
    await env.PROMPTS_KV.put(kvKeys.publishedPrompt(fixture.workspaceId, "production", fixture.slug), JSON.stringify({ ...projected, version_id: "pv_published_later", version: 2, content: "From KV" }));

    const content = await pollUntil(async () => ((await (await getPrompt(fixture.slug, fixture.apiKey)).json()) as { content: string }).content, (seen) => seen === "From KV");
    expect(content).toBe("From KV");
  });

  it("accepts a key created after a lookup found none, once the remembered miss expires", async () => {
    const fixture = await createPublishedPrompt();
    const apiKey = newApiKey();
    expect((await getPrompt(fixture.slug, apiKey)).status).toBe(401);
    await createApiKey(fixture.workspaceId, apiKey);

    const response = await pollUntil(() => getPrompt(fixture.slug, apiKey), (seen) => seen.status === 200);
    expect(response.status).toBe(200);
  });

  it("refuses a revoked key once KV drops it and the isolate's cache expires", async () => {
    const fixture = await createPublishedPrompt();
    expect((await getPrompt(fixture.slug, fixture.apiKey)).status).toBe(200);
    // What a revocation does: Postgres first, then the projection.
    await database().update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, fixture.keyId));
    await env.PROMPTS_KV.delete(kvKeys.apiKey(await sha256Hex(fixture.apiKey)));

    const response = await pollUntil(() => getPrompt(fixture.slug, fixture.apiKey), (seen) => seen.status === 401);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
  });

  it("gives each answer a unique, time-sortable trace id and records the exposure", async () => {
    const fixture = await createPublishedPrompt();
    const traces: string[] = [];
    for (let index = 0; index < 5; index++) {
      const body = (await (await getPrompt(fixture.slug, fixture.apiKey, "?source=checkout")).json()) as { trace_id: string };
      traces.push(body.trace_id);
    }
    expect(new Set(traces).size).toBe(5);
    expect([...traces].sort()).toEqual(traces);

    const db = database();
    let stored: unknown[] = [];
    for (let attempt = 0; attempt < 50 && stored.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await db.select().from(exposures).where(eq(exposures.traceId, traces[4]!));
    }
    expect(stored).toEqual([expect.objectContaining({ promptId: fixture.promptId, versionId: fixture.versionId, source: "checkout", apiKeyId: fixture.keyId })]);
  });

  it("answers the text alone with format=text", async () => {
    const fixture = await createPublishedPrompt({ content: "Just the text" });
    const response = await getPrompt(fixture.slug, fixture.apiKey, "?format=text");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("Just the text");
  });

  it.each([
    ["no key", null, 401, "UNAUTHENTICATED"],
    ["a malformed key", "not a key!", 401, "UNAUTHENTICATED"],
    ["an unknown key", "xr2_test_unknownunknownunknown", 401, "UNAUTHENTICATED"],
  ])("rejects %s with a JSON error", async (_name, key, status, code) => {
    const fixture = await createPublishedPrompt();
    const response = await getPrompt(fixture.slug, key);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code, request_id: expect.any(String) } });
  });

  it("rejects an expired key, a key without the scope and a key for another environment", async () => {
    const expired = await createPublishedPrompt({ expiresAt: new Date(Date.now() - 1000) });
    expect((await getPrompt(expired.slug, expired.apiKey)).status).toBe(401);
    const eventsOnly = await createPublishedPrompt({ scopes: ["events:write"] });
    expect((await getPrompt(eventsOnly.slug, eventsOnly.apiKey)).status).toBe(403);
    const stagingOnly = await createPublishedPrompt({ environment: "staging" });
    expect((await getPrompt(stagingOnly.slug, stagingOnly.apiKey)).status).toBe(403);
  });

  it("rejects a revoked key that KV does not hold", async () => {
    const fixture = await createPublishedPrompt();
    await database().update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, fixture.keyId));
    const response = await getPrompt(fixture.slug, fixture.apiKey);
    expect(response.status).toBe(401);
    expect(await env.PROMPTS_KV.get(kvKeys.apiKey(await sha256Hex(fixture.apiKey)))).toBeNull();
  });

  it("answers 503 with Retry-After, not 500, when KV and the API worker fail", async () => {
    const fixture = await createPublishedPrompt();
    const failing = () => Promise.reject(new Error("injected outage"));
    // Faults injected at the bindings: a KV namespace and a service binding that both fail.
    const brokenEnv = { ...env, PROMPTS_KV: { get: failing, put: failing }, API: { fetch: failing, resolveApiKey: failing, resolvePrompt: failing, pingDatabase: failing } };
    const ctx = createExecutionContext();
    const response = await createEdgeApp().fetch(new Request(`http://edge.test/api/v1/get-prompt/${fixture.slug}`, { headers: { authorization: `Bearer ${fixture.apiKey}` } }), brokenEnv, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toMatchObject({ error: { code: "DEPENDENCY_UNAVAILABLE" } });
  });

  it("answers 404 for another workspace's prompt and for an unpublished environment", async () => {
    const mine = await createPublishedPrompt();
    const theirs = await createPublishedPrompt();
    const response = await getPrompt(theirs.slug, mine.apiKey);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect((await getPrompt(mine.slug, mine.apiKey, "?env=staging")).status).toBe(404);
  });

  it("answers 400, not 500, to malformed parameters", async () => {
    const fixture = await createPublishedPrompt();
    for (const query of ["?env=prod", "?format=xml", `?source=${"x".repeat(65)}`]) {
      const response = await getPrompt(fixture.slug, fixture.apiKey, query);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
    expect((await getPrompt("bad%20slug%21", fixture.apiKey)).status).toBe(400);
  });
});

describe("rendering", () => {
  const variables = [
    { name: "name", type: "string" as const, required: true },
    { name: "seats", type: "number" as const, required: false, default: 1 },
    { name: "vip", type: "boolean" as const, required: false, default: false },
    { name: "plan", type: "enum" as const, required: false, values: ["free", "pro"] },
  ];
  const content = "Hi {name}, {seats} seat(s).{% if vip %} Welcome back, VIP!{% else %} Enjoy.{% endif %}{% if plan %} Plan: {plan}.{% endif %} Use {{braces}}.";

  it("renders query values with types, defaults, conditionals and escapes", async () => {
    const fixture = await createPublishedPrompt({ content, variables });
    const plain = (await (await getPrompt(fixture.slug, fixture.apiKey, "?var.name=Ada")).json()) as { content: string; variables: Record<string, unknown> };
    expect(plain.content).toBe("Hi Ada, 1 seat(s). Enjoy. Use {braces}.");
    expect(plain.variables).toEqual({ name: "Ada", seats: 1, vip: false });
    const vip = await getPrompt(fixture.slug, fixture.apiKey, "?var.name=Ada&var.seats=3&var.vip=true&var.plan=pro&format=text");
    expect(await vip.text()).toBe("Hi Ada, 3 seat(s). Welcome back, VIP! Plan: pro. Use {braces}.");
  });

  it("takes values from a POST body", async () => {
    const fixture = await createPublishedPrompt({ content, variables });
    const response = await exports.default.fetch(`http://edge.test/api/v1/get-prompt/${fixture.slug}?format=text`, {
      method: "POST",
      headers: { authorization: `Bearer ${fixture.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ variables: { name: "Grace", seats: 2, vip: true } }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("Hi Grace, 2 seat(s). Welcome back, VIP! Use {braces}.");
  });

  it("renders every message of a chat prompt", async () => {
    const fixture = await createPublishedPrompt({
      messages: [
        { role: "system", content: "You help {name}." },
        { role: "user", content: "Say hi to {name}." },
      ],
      variables: [{ name: "name", type: "string", required: true }],
    });
    const body = (await (await getPrompt(fixture.slug, fixture.apiKey, "?var.name=Lin")).json()) as { content: unknown; messages: unknown };
    expect(body.content).toBeNull();
    expect(body.messages).toEqual([
      { role: "system", content: "You help Lin." },
      { role: "user", content: "Say hi to Lin." },
    ]);
  });

  it.each([
    ["a missing required variable", "", "name"],
    ["a number that is not one", "?var.name=Ada&var.seats=many", "seats"],
    ["a value outside an enum", "?var.name=Ada&var.plan=gold", "plan"],
    ["a boolean that is not one", "?var.name=Ada&var.vip=yes", "vip"],
  ])("answers 400 naming the variable for %s, and records the failed exposure", async (_case, query, variable) => {
    const fixture = await createPublishedPrompt({ content, variables });
    const response = await getPrompt(fixture.slug, fixture.apiKey, query);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.message).toContain(variable);
    const stored = await pollUntil(
      () => database().select().from(exposures).where(eq(exposures.promptId, fixture.promptId)),
      (rows) => rows.length > 0,
    );
    expect(stored).toEqual([expect.objectContaining({ status: "error", errorCode: "VALIDATION_FAILED" })]);
  });

  it("answers 400, not 500, to malformed POST bodies and oversized values", async () => {
    const fixture = await createPublishedPrompt({ content, variables });
    const post = (body: string) =>
      exports.default.fetch(`http://edge.test/api/v1/get-prompt/${fixture.slug}`, { method: "POST", headers: { authorization: `Bearer ${fixture.apiKey}`, "content-type": "application/json" }, body });
    expect((await post("{not json")).status).toBe(400);
    expect((await post(JSON.stringify({ variables: { name: { nested: true } } }))).status).toBe(400);
    expect((await post(JSON.stringify({ variables: {}, extra: 1 }))).status).toBe(400);
    expect((await post(JSON.stringify({ variables: { name: "x".repeat(70_000) } }))).status).toBe(413);
    expect((await getPrompt(fixture.slug, fixture.apiKey, `?var.name=${"x".repeat(10_001)}`)).status).toBe(400);
  });
});
