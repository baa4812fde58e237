import { describe, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { apiKeys, exposures, workspaces } from "@xr2/db/schema";
import { assignVariant, kvKeys, sha256Hex } from "@xr2/shared";
import { createEdgeApp } from "../app.ts";
import { createApiKey, createPublishedPrompt, database, newApiKey, pollUntil, readProjection, startExperiment } from "../testing/fixtures.ts";

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
    expect(await env.PROMPTS_KV.get(kvKeys.apiKey(sha256Hex(fixture.apiKey)), "json")).toMatchObject({ key_id: fixture.keyId, workspace_id: fixture.workspaceId });
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
    await env.PROMPTS_KV.delete(kvKeys.apiKey(sha256Hex(fixture.apiKey)));

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
    expect(await env.PROMPTS_KV.get(kvKeys.apiKey(sha256Hex(fixture.apiKey)))).toBeNull();
  });

  it("refuses the key of a deleted workspace once its KV entry is gone, and the miss path does not bring it back", async () => {
    const fixture = await createPublishedPrompt();
    expect((await getPrompt(fixture.slug, fixture.apiKey)).status).toBe(200);
    // What a workspace deletion does: deleted_at in Postgres (the key itself is not revoked), then
    // the projection's entries go.
    await database().update(workspaces).set({ deletedAt: new Date() }).where(eq(workspaces.id, fixture.workspaceId));
    await env.PROMPTS_KV.delete(kvKeys.apiKey(sha256Hex(fixture.apiKey)));

    const response = await pollUntil(() => getPrompt(fixture.slug, fixture.apiKey), (seen) => seen.status === 401);
    expect(response.status).toBe(401);
    expect(await env.PROMPTS_KV.get(kvKeys.apiKey(sha256Hex(fixture.apiKey)))).toBeNull();
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
    // NUL: the exposure would carry it, and Postgres stores no NUL in text.
    for (const query of ["?env=prod", "?format=xml", `?source=${"x".repeat(65)}`, "?source=web%00app", "?unit_id=u%00"]) {
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

  it("answers 415 with a JSON error to a POST body that is not sent as JSON", async () => {
    const fixture = await createPublishedPrompt({ content, variables });
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", null]) {
      const response = await exports.default.fetch(`http://edge.test/api/v1/get-prompt/${fixture.slug}`, {
        method: "POST",
        headers: { authorization: `Bearer ${fixture.apiKey}`, ...(contentType === null ? {} : { "content-type": contentType }) },
        body: JSON.stringify({ variables: { name: "Grace", seats: 2 } }),
      });
      expect(response.status, String(contentType)).toBe(415);
      expect(await response.json()).toMatchObject({ error: { code: "UNSUPPORTED_MEDIA_TYPE", request_id: expect.any(String) } });
    }
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

  it("keeps on the exposure the values it rendered with, unless they are too large or not storable", async () => {
    const fixture = await createPublishedPrompt({ content, variables });
    const traceOf = async (query: string) => ((await (await getPrompt(fixture.slug, fixture.apiKey, query)).json()) as { trace_id: string }).trace_id;
    const kept = await traceOf("?var.name=Ada&var.seats=3");
    const large = await traceOf(`?var.name=${"x".repeat(600)}`);
    const nul = await traceOf("?var.name=a%00b");
    const stored = await pollUntil(
      () => database().select({ traceId: exposures.traceId, variables: exposures.variables }).from(exposures).where(eq(exposures.promptId, fixture.promptId)),
      (rows) => rows.length === 3,
    );
    const valuesOf = (traceId: string) => stored.find((row) => row.traceId === traceId)?.variables;
    expect(valuesOf(kept)).toEqual({ name: "Ada", seats: 3, vip: false });
    expect(valuesOf(large)).toBeNull();
    expect(valuesOf(nul)).toBeNull();
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

type Answer = { version_id: string; version: number; content: string; model_config: Record<string, unknown>; trace_id: string; variant?: string };

describe("experiments", () => {
  it("serves each unit the variant its hash picks, the same one on every call, and records it on the exposure", async () => {
    const fixture = await createPublishedPrompt({ content: "Welcome to {product}" });
    const { experimentId, treatmentVersionId, variants } = await startExperiment(fixture, [1, 1]);
    const units = Array.from({ length: 12 }, (_, index) => `user-${index}`);
    const answers: Array<{ unit: string; body: Answer }> = [];
    for (const round of [0, 1, 2]) {
      for (const unit of units) {
        const response = await getPrompt(fixture.slug, fixture.apiKey, `?unit_id=${unit}&var.product=Acme&source=round-${round}`);
        expect(response.status).toBe(200);
        answers.push({ unit, body: (await response.json()) as Answer });
      }
    }
    for (const { unit, body } of answers) {
      const expected = assignVariant(experimentId, unit, variants);
      expect(body.variant, unit).toBe(expected);
      if (expected === "control") expect(body).toMatchObject({ version_id: fixture.versionId, version: 1, content: "Welcome to Acme", model_config: {} });
      else expect(body).toMatchObject({ version_id: treatmentVersionId, version: 2, content: "Try Acme today", model_config: { model: "treatment-model" } });
    }
    // Sticky: every unit got one variant in all three rounds.
    for (const unit of units) expect(new Set(answers.filter((answer) => answer.unit === unit).map((answer) => answer.body.variant)).size, unit).toBe(1);

    const traces = answers.map((answer) => answer.body.trace_id);
    const stored = await pollUntil(
      () => database().select().from(exposures).where(inArray(exposures.traceId, traces)),
      (rows) => rows.length === traces.length,
    );
    expect(stored).toHaveLength(traces.length);
    for (const { unit, body } of answers) {
      expect(stored.find((row) => row.traceId === body.trace_id), unit).toMatchObject({ unitId: unit, variant: body.variant, experimentId, versionId: body.version_id, status: "success" });
    }
  });

  it("splits units by the weights", async () => {
    const fixture = await createPublishedPrompt();
    const { experimentId, variants } = await startExperiment(fixture, [1, 3]);
    const seen: Record<string, number> = { control: 0, treatment: 0 };
    for (let index = 0; index < 200; index++) {
      const unit = `unit-${crypto.randomUUID()}`;
      const body = (await (await getPrompt(fixture.slug, fixture.apiKey, `?unit_id=${unit}`)).json()) as Answer;
      expect(body.variant).toBe(assignVariant(experimentId, unit, variants));
      seen[body.variant!]!++;
    }
    // Expected 50 of 200 in the control (standard deviation ≈ 6.1); the band is ± 4.9 deviations.
    expect(seen.control).toBeGreaterThanOrEqual(20);
    expect(seen.control).toBeLessThanOrEqual(80);
    expect(seen.control! + seen.treatment!).toBe(200);
  });

  it("leaves callers without a unit_id out of the experiment: the published version, no variant, no experiment on the exposure", async () => {
    const fixture = await createPublishedPrompt({ content: "Published for {product}" });
    await startExperiment(fixture, [1, 1000]);
    const response = await getPrompt(fixture.slug, fixture.apiKey);
    const body = (await response.json()) as Answer;
    expect(body).toMatchObject({ version_id: fixture.versionId, version: 1, content: "Published for xR2" });
    expect("variant" in body).toBe(false);
    const [stored] = await pollUntil(
      () => database().select().from(exposures).where(eq(exposures.traceId, body.trace_id)),
      (rows) => rows.length > 0,
    );
    expect(stored).toMatchObject({ versionId: fixture.versionId, variant: null, experimentId: null, unitId: null });
  });

  it("records the variant on a failed render too, and serves the published version once KV holds no experiment", async () => {
    const variables = [{ name: "product", type: "number" as const, required: true }];
    const fixture = await createPublishedPrompt({ content: "Hi {product}", variables });
    const { experimentId, variants } = await startExperiment(fixture, [1, 1], variables);
    const failed = await getPrompt(fixture.slug, fixture.apiKey, "?unit_id=someone&var.product=not-a-number");
    expect(failed.status).toBe(400);
    const [stored] = await pollUntil(
      () => database().select().from(exposures).where(eq(exposures.promptId, fixture.promptId)),
      (rows) => rows.length > 0,
    );
    expect(stored).toMatchObject({ status: "error", errorCode: "VALIDATION_FAILED", experimentId, unitId: "someone", variant: assignVariant(experimentId, "someone", variants) });

    // What stopping does to KV: the entry without the experiment.
    const projected = (await readProjection(fixture.workspaceId, fixture.slug))!;
    expect(projected.experiment?.id).toBe(experimentId);
    const { experiment: _running, ...withoutExperiment } = projected;
    await env.PROMPTS_KV.put(kvKeys.publishedPrompt(fixture.workspaceId, "production", fixture.slug), JSON.stringify(withoutExperiment));
    const body = await pollUntil(
      async () => (await (await getPrompt(fixture.slug, fixture.apiKey, "?unit_id=someone&var.product=3")).json()) as Answer,
      (seen) => !("variant" in seen),
    );
    expect(body).toMatchObject({ version_id: fixture.versionId, content: "Hi 3" });
    expect("variant" in body).toBe(false);
  });
});
