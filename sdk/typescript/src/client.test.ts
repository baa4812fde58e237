/**
 * The client against a stand-in edge on 127.0.0.1 (test/edge-stand-in.ts): caching and
 * refreshing, what is served while the edge fails, bootstrap, fallbacks, errors, local assignment,
 * exposures and remote mode. Delivery of events is in delivery.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assignVariant } from "../../../workers/shared/src/assignment.ts";
import { API_KEY, EdgeStandIn, textPrompt } from "../test/edge-stand-in.ts";
import { PromptNotFoundError, PromptUnavailableError, TemplateRenderError, XR2, type Prompt, type PromptDocument, type XR2Options } from "./index.ts";

let edge: EdgeStandIn;
const clients: XR2[] = [];

beforeEach(async () => {
  edge = new EdgeStandIn();
  await edge.start();
  edge.publish(textPrompt("welcome-message", "Hi {name}", { variables: [{ name: "name", type: "string", required: true }] }));
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await edge.stop();
});

function client(options: Partial<XR2Options> = {}): XR2 {
  const created = new XR2({ apiKey: API_KEY, baseUrl: edge.baseUrl, source: "checkout-app", maxSendAttempts: 2, ...options });
  clients.push(created);
  return created;
}

/** Calls `get` until `done` holds (at most ~10 s); no assertion on how long it took. */
async function until(get: () => Promise<Prompt>, done: (prompt: Prompt) => boolean): Promise<Prompt> {
  let last: Prompt | undefined;
  for (let i = 0; i < 400; i++) {
    last = await get();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`condition never held; last answer: ${JSON.stringify(last)}`);
}

const promptRequests = () => edge.requestsTo("/api/v1/prompts/welcome-message");
const v2 = () => textPrompt("welcome-message", "Hello {name}", { version: 2, version_id: "pv_welcome-message_2", variables: [{ name: "name", type: "string", required: true }] });

describe("caching", () => {
  it("fetches once from the network, then serves from the cache", async () => {
    const xr2 = client();
    const first = await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } });
    expect(first).toMatchObject({ content: "Hi Ada", messages: null, origin: "network", version: 1, version_id: "pv_welcome-message_1", prompt_id: "pr_welcome-message", variant: null, model_config: { model: "gpt-4o-mini" } });
    const second = await xr2.getPrompt("welcome-message", { variables: { name: "Grace" } });
    expect(second).toMatchObject({ content: "Hi Grace", origin: "cache", version: 1 });
    expect(second.trace_id).not.toBe(first.trace_id);
    expect(promptRequests()).toHaveLength(1);
    expect(promptRequests()[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(xr2.stats().origins).toMatchObject({ network: 1, cache: 1 });
  });

  it("shares one request between concurrent first calls", async () => {
    const xr2 = client();
    const answers = await Promise.all([1, 2, 3].map(() => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })));
    expect(answers.map((answer) => answer.origin)).toEqual(["network", "network", "network"]);
    expect(promptRequests()).toHaveLength(1);
  });

  it("revalidates after the TTL with If-None-Match (304 keeps the copy) and picks up a new version", async () => {
    const xr2 = client({ cacheTtlSeconds: 0.05 });
    await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } });
    const etag = edge.etagOf(edge.prompts.get("welcome-message")!);
    await until(async () => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }), () => promptRequests().some((request) => request.status === 304));
    expect(promptRequests().filter((request) => request.status === 304).every((request) => request.headers["if-none-match"] === etag)).toBe(true);
    edge.publish(v2());
    const updated = await until(async () => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }), (prompt) => prompt.version === 2);
    expect(updated).toMatchObject({ content: "Hello Ada", version_id: "pv_welcome-message_2", origin: "cache" });
  });

  it("never runs two refreshes of one slug at a time", async () => {
    const xr2 = client({ cacheTtlSeconds: 0.01 });
    await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    edge.delayMs = 300;
    const answers = await Promise.all(Array.from({ length: 20 }, () => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })));
    expect(answers.every((answer) => answer.origin === "cache")).toBe(true);
    expect(xr2.stats().refreshes).toBe(1);
    for (let i = 0; i < 400 && !(promptRequests().length >= 2 && promptRequests().every((request) => request.status !== 0)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(promptRequests().map((request) => request.status)).toEqual([200, 304]);
  });

  it("prefetches through the bundle endpoint with slug filters", async () => {
    edge.publish(textPrompt("other", "Other"));
    edge.publish(textPrompt("unrelated", "Unrelated"));
    const xr2 = client();
    expect((await xr2.prefetch(["welcome-message", "other", "missing"])).sort()).toEqual(["other", "welcome-message"]);
    const bundleRequests = edge.requestsTo("/api/v1/prompts").filter((request) => request.path === "/api/v1/prompts");
    expect(bundleRequests.map((request) => request.query.getAll("slug"))).toEqual([["welcome-message", "other", "missing"]]);
    expect(await xr2.getPrompt("other")).toMatchObject({ content: "Other", origin: "cache" });
    expect(promptRequests()).toHaveLength(0);
    expect(xr2.stats().cachedPrompts).toBe(2);
  });
});

describe("when the edge fails", () => {
  it("retries a first fetch through 503s and a 429 with Retry-After", async () => {
    edge.faults.push({ path: "/api/v1/prompts/", status: 503, count: 1 }, { path: "/api/v1/prompts/", status: 429, retryAfter: "1", count: 1 });
    const xr2 = client();
    expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).toMatchObject({ content: "Hi Ada", origin: "network" });
    const statuses = promptRequests().map((request) => request.status);
    expect(statuses).toEqual([503, 429, 200]);
    // Retry-After: 1 was waited out (a lower bound only).
    expect(promptRequests()[2]!.at - promptRequests()[1]!.at).toBeGreaterThanOrEqual(900);
  });

  it("serves the stale copy, and says so, while refreshes fail (5xx, connection refused, revoked key), then recovers", async () => {
    const xr2 = client({ cacheTtlSeconds: 0.05, maxRetries: 0 });
    await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } });
    edge.faults.push({ status: 503, count: 1_000 });
    const stale = await until(async () => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }), (prompt) => prompt.origin === "stale");
    expect(stale).toMatchObject({ content: "Hi Ada", version: 1 });
    expect(xr2.stats().refreshFailures).toBeGreaterThan(0);

    edge.faults = [];
    edge.revoked = true;
    edge.publish(v2());
    const failures = xr2.stats().refreshFailures;
    const revoked = await until(async () => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }), () => xr2.stats().refreshFailures > failures);
    expect(revoked).toMatchObject({ origin: "stale", version: 1 });

    edge.revoked = false;
    await edge.stop();
    expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).toMatchObject({ content: "Hi Ada", origin: "stale" });

    await edge.start();
    const recovered = await until(async () => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }), (prompt) => prompt.version === 2);
    expect(recovered).toMatchObject({ content: "Hello Ada", origin: "cache" });
  });

  it("falls back after a slow answer beyond fetchTimeoutMs", async () => {
    edge.delayMs = 2_000;
    const xr2 = client({ fetchTimeoutMs: 100, maxRetries: 1, fallbacks: { "welcome-message": { content: "Hi {name}!" } } });
    expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).toMatchObject({ content: "Hi Ada!", origin: "fallback", version: null, version_id: null });
    expect(promptRequests()).toHaveLength(2);
  });

  it("with nothing cached and no fallback, a failure is a PromptUnavailableError naming the slug", async () => {
    await edge.stop();
    const xr2 = client({ maxRetries: 0 });
    const error = await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PromptUnavailableError);
    expect((error as Error).message).toContain('"welcome-message"');
  });
});

describe("remembered failures and 404s", () => {
  it("after a failed first fetch, serves the fallback at once and retries only in the background", async () => {
    edge.faults.push({ path: "/api/v1/prompts/", status: 503, count: 1_000 });
    const xr2 = client({ maxRetries: 0, cacheTtlSeconds: 0.1, fallbacks: { "welcome-message": { content: "Fallback {name}" } } });
    expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).toMatchObject({ origin: "fallback" });
    const asked = promptRequests().length;
    edge.delayMs = 60_000; // a blocking call would now hang the test
    for (let i = 0; i < 5; i++) expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).toMatchObject({ origin: "fallback", content: "Fallback Ada" });
    expect(promptRequests().length).toBeLessThanOrEqual(asked + 1);
    edge.delayMs = 0;
    edge.faults = [];
    const served = await until(async () => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }), (prompt) => prompt.origin !== "fallback");
    expect(served).toMatchObject({ content: "Hi Ada", origin: "cache" });
  });

  it("remembers a 404 NOT_FOUND for the TTL: one request, then the fallback or PromptNotFoundError at once", async () => {
    const xr2 = client({ fallbacks: { "not-yet": { content: "Soon" } } });
    for (let i = 0; i < 3; i++) {
      expect(await xr2.getPrompt("not-yet")).toMatchObject({ origin: "fallback", content: "Soon" });
      await expect(xr2.getPrompt("nowhere")).rejects.toBeInstanceOf(PromptNotFoundError);
    }
    expect(edge.requestsTo("/api/v1/prompts/not-yet")).toHaveLength(1);
    expect(edge.requestsTo("/api/v1/prompts/nowhere")).toHaveLength(1);
  });

  it("treats a 404 without NOT_FOUND (a proxy, a wrong path) as an outage: the cached copy stays, served stale", async () => {
    const xr2 = client({ cacheTtlSeconds: 0.05, maxRetries: 0 });
    await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } });
    edge.faults.push({ path: "/api/v1/prompts/", status: 404, count: 1_000 });
    const stale = await until(async () => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }), (prompt) => prompt.origin === "stale");
    expect(stale).toMatchObject({ content: "Hi Ada", version: 1 });
    expect(xr2.stats().cachedPrompts).toBe(1);
    edge.faults = [];
    edge.prompts.delete("welcome-message");
    await until(async () => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }).catch(() => ({ origin: "gone" }) as unknown as Prompt), (prompt) => (prompt.origin as string) === "gone");
    expect(xr2.stats().cachedPrompts).toBe(0);
  });

  it("flush() awaits background refreshes", async () => {
    const xr2 = client({ cacheTtlSeconds: 0.01 });
    await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    edge.delayMs = 300;
    await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }); // starts a refresh
    await xr2.flush();
    expect(promptRequests().map((request) => request.status)).toEqual([200, 304]);
  });
});

describe("options", () => {
  it("refuses invalid options with a clear error", () => {
    const base = { apiKey: API_KEY, baseUrl: "http://127.0.0.1:1" };
    expect(() => new XR2({ ...base, source: "x".repeat(65) })).toThrow(/source must be text of 1 to 64/);
    expect(() => new XR2({ ...base, source: "a\u0000b" })).toThrow(/source/);
    expect(() => new XR2({ ...base, source: "a\ud800b" })).toThrow(/lone surrogates/);
    expect(() => new XR2({ ...base, environment: "prod" as "production" })).toThrow(/environment must be one of/);
    expect(() => new XR2({ ...base, mode: "hybrid" as "local" })).toThrow(/mode must be/);
    expect(() => new XR2({ ...base, cacheTtlSeconds: Number.NaN })).toThrow(/cacheTtlSeconds must be/);
    expect(() => new XR2({ ...base, maxRetries: 1.5 })).toThrow(/maxRetries must be an integer/);
    expect(() => new XR2({ ...base, maxQueueSize: 0 })).toThrow(/maxQueueSize/);
    expect(() => new XR2({ ...base, fallbacks: "x" as unknown as Record<string, never> })).toThrow(/fallbacks/);
    expect(new XR2({ ...base, source: "checkout-app 🛒" }).stats().cachedPrompts).toBe(0);
  });

  it("never throws from getPrompt: bad arguments and refused values reject its promise, cached or not", async () => {
    const xr2 = client();
    const calls: Array<() => Promise<Prompt>> = [
      () => xr2.getPrompt(""),
      () => xr2.getPrompt(42 as unknown as string),
      () => xr2.getPrompt("welcome-message", { unitId: "" }),
      () => xr2.getPrompt("welcome-message", null as unknown as undefined),
      () => xr2.getPrompt("welcome-message", { variables: {} }),
      // Plain JavaScript may pass null for "no values": refused like {}, naming the missing variable.
      () => xr2.getPrompt("welcome-message", { variables: null as unknown as undefined }),
    ];
    const outcomes = async () => {
      const promises = calls.map((call) => call()); // a synchronous throw fails here
      return Promise.all(promises.map((promise) => promise.then(() => "resolved", (error: unknown) => (error as Error).constructor.name)));
    };
    const expected = ["XR2Error", "XR2Error", "XR2Error", "TypeError", "TemplateRenderError", "TemplateRenderError"];
    expect(await outcomes()).toEqual(expected); // nothing cached yet
    expect(xr2.stats().cachedPrompts).toBe(1); // the refused values' call fetched it
    expect(await outcomes()).toEqual(expected); // served from the cache
    await expect(xr2.getPrompt("welcome-message", { variables: null as unknown as undefined })).rejects.toMatchObject({ errors: [{ code: "missing_variable", variable: "name" }] });
  });
});

describe("bootstrap and fallbacks", () => {
  const bundle = () => ({ environment: "production" as const, prompts: [textPrompt("welcome-message", "Bootstrapped {name}", { version_id: "pv_boot", variables: [{ name: "name", type: "string" as const, required: true }] })] });

  it("starts warm from a bundle (object or JSON text) while the edge is down", async () => {
    await edge.stop();
    for (const bootstrap of [bundle(), JSON.stringify(bundle())]) {
      const xr2 = client({ bootstrap, maxRetries: 0 });
      expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).toMatchObject({ content: "Bootstrapped Ada", origin: "bootstrap", version_id: "pv_boot" });
      expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).toMatchObject({ origin: "bootstrap" });
    }
  });

  it("serves the bootstrap until the network has answered for that slug", async () => {
    const xr2 = client({ bootstrap: bundle() });
    expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).toMatchObject({ origin: "bootstrap", content: "Bootstrapped Ada" });
    const fresh = await until(async () => xr2.getPrompt("welcome-message", { variables: { name: "Ada" } }), (prompt) => prompt.origin !== "bootstrap");
    expect(fresh).toMatchObject({ origin: "cache", content: "Hi Ada", version_id: "pv_welcome-message_1" });
  });

  it("refuses a bootstrap of another environment", () => {
    expect(() => client({ bootstrap: bundle(), environment: "staging" })).toThrow(/bundle of production/);
  });

  it("uses the fallback when the edge is down, and reports its use", async () => {
    await edge.stop();
    const xr2 = client({ maxRetries: 0, fallbacks: { "welcome-message": { content: "Hi {name}", model_config: { model: "local" } } } });
    const prompt = await xr2.getPrompt("welcome-message", { variables: { name: "Ada" }, unitId: "user-42" });
    expect(prompt).toMatchObject({ content: "Hi Ada", origin: "fallback", version: null, prompt_id: null, model_config: { model: "local" } });
    await edge.start();
    await xr2.flush();
    expect(edge.exposures.get(prompt.trace_id)).toMatchObject({ origin: "fallback", slug: "welcome-message", unit_id: "user-42", status: "success", source: "checkout-app", environment: "production" });
    expect(edge.exposures.get(prompt.trace_id)).not.toHaveProperty("version_id");
  });

  it("uses the fallback for a slug the edge does not know, and throws PromptNotFoundError without one", async () => {
    const xr2 = client({ fallbacks: { "not-yet": { messages: [{ role: "user", content: "About {topic}" }] } } });
    expect(await xr2.getPrompt("not-yet", { variables: { topic: "tea" } })).toMatchObject({ messages: [{ role: "user", content: "About tea" }], content: null, origin: "fallback" });
    const error = await xr2.getPrompt("nowhere").catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PromptNotFoundError);
    expect(error).toMatchObject({ slug: "nowhere" });
    expect((error as Error).message).toContain('"nowhere"');
  });
});

describe("rendering, assignment and exposures", () => {
  it("throws the engine's error for refused values, naming the variable, and reports an error exposure", async () => {
    edge.publish(textPrompt("priced", "{item} costs {price}", { variables: [{ name: "item", type: "string", required: true }, { name: "price", type: "number", required: true }] }));
    const xr2 = client();
    const error = await xr2.getPrompt("priced", { variables: { item: "tea", price: "cheap" } }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", slug: "priced", errors: [{ code: "type_mismatch", variable: "price" }] });
    expect((error as Error).message).toContain("price");
    expect(await xr2.getPrompt("priced", { variables: { item: "tea", price: "2.5" } })).toMatchObject({ content: "tea costs 2.5" });
    await xr2.flush();
    const reported = [...edge.exposures.values()].filter((exposure) => exposure.slug === "priced");
    expect(reported.map((exposure) => [exposure.status, exposure.error_code])).toEqual([
      ["error", "VALIDATION_FAILED"],
      ["success", undefined],
    ]);
  });

  it("falls back from a published template that does not compile, and throws TEMPLATE_INVALID without a fallback", async () => {
    edge.publish(textPrompt("broken", "{% if x %}never closed"));
    edge.publish(textPrompt("broken-too", "{% if x %}never closed"));
    const xr2 = client({ fallbacks: { broken: { content: "Safe" } } });
    expect(await xr2.getPrompt("broken")).toMatchObject({ content: "Safe", origin: "fallback" });
    await expect(xr2.getPrompt("broken-too")).rejects.toMatchObject({ code: "TEMPLATE_INVALID", errors: [{ code: "syntax" }] });
  });

  it("renders chat prompts", async () => {
    edge.publish(textPrompt("chat", "", { kind: "chat", content: null, messages: [{ role: "system", content: "Be {tone}" }, { role: "user", content: "{q}" }], variables: [{ name: "tone", type: "enum", required: false, default: "kind", values: ["kind", "terse"] }] }));
    const xr2 = client();
    expect(await xr2.getPrompt("chat", { variables: { q: "Why?" } })).toMatchObject({
      content: null,
      messages: [{ role: "system", content: "Be kind" }, { role: "user", content: "Why?" }],
    });
  });

  it("assigns units as assignVariant does, serves the variant's version, and leaves callers without unitId out", async () => {
    const version = (key: string, content: string) => ({ version_id: `pv_${key}`, version: key === "control" ? 1 : 2, kind: "text" as const, content, messages: null, variables: [], model_config: {} });
    const variants = [
      { key: "control", weight: 30, version: version("control", "A") },
      { key: "treatment", weight: 70, version: version("treatment", "B") },
    ];
    const document: PromptDocument = textPrompt("ab", "A", { version_id: "pv_control", experiment: { id: "exp_ab", variants } });
    edge.publish(document);
    const xr2 = client();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const unitId = `user-${i}`;
      const prompt = await xr2.getPrompt("ab", { unitId });
      const expected = assignVariant("exp_ab", unitId, variants);
      seen.add(expected);
      expect(prompt).toMatchObject({ variant: expected, experiment_id: "exp_ab", version_id: `pv_${expected}`, content: expected === "control" ? "A" : "B" });
    }
    expect(seen).toEqual(new Set(["control", "treatment"]));
    expect(await xr2.getPrompt("ab")).toMatchObject({ variant: null, experiment_id: null, version_id: "pv_control" });
  });

  it("sends up to 500 exposures in one request: 500 calls make one, 501 make two", async () => {
    const exposureRequests = () => edge.requestsTo("/api/v1/exposures").map((request) => (request.body as { exposures: unknown[] }).exposures.length);
    for (const [calls, expected] of [
      [500, [500]],
      [501, [500, 1]],
    ] as const) {
      const before = exposureRequests().length;
      const xr2 = client();
      for (let i = 0; i < calls; i++) await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } });
      await xr2.flush();
      expect(exposureRequests().slice(before)).toEqual(expected);
      expect(xr2.stats().exposures).toMatchObject({ queued: 0, sent: calls, failed: 0 });
    }
  });

  it("reports each served prompt once, with the contract's fields", async () => {
    const xr2 = client();
    const prompt = await xr2.getPrompt("welcome-message", { variables: { name: "Ada" }, unitId: "user-42" });
    expect(prompt.trace_id).toMatch(/^tr_[0-9a-hjkmnp-tv-z]{26}$/);
    await xr2.flush();
    const exposure = edge.exposures.get(prompt.trace_id)!;
    expect(exposure).toMatchObject({
      trace_id: prompt.trace_id,
      origin: "network",
      slug: "welcome-message",
      prompt_id: "pr_welcome-message",
      version_id: "pv_welcome-message_1",
      environment: "production",
      status: "success",
      unit_id: "user-42",
      source: "checkout-app",
    });
    expect(Date.parse(exposure.served_at as string)).not.toBeNaN();
    expect(exposure.served_at).toMatch(/Z$/);
    expect(exposure.latency_ms).toBeGreaterThanOrEqual(0);
    expect(edge.exposuresReceived).toBe(1);
    expect(xr2.stats().exposures).toMatchObject({ queued: 0, sent: 1 });
  });
  it("sends each exposure as exactly the contract's fields, whatever the unit id, variant or outcome holds", async () => {
    const variants = [
      { key: "control", weight: 1, version: { ...textPrompt("x", "A {name}", { version_id: "pv_a", variables: [{ name: "name", type: "string", required: true }] }) } },
      { key: "tr\"eat", weight: 1, version: { ...textPrompt("x", "B {name}", { version_id: "pv_b", variables: [{ name: "name", type: "string", required: true }] }) } },
    ];
    edge.publish(textPrompt("ab", "A {name}", { version_id: "pv_a", variables: [{ name: "name", type: "string", required: true }], experiment: { id: "exp_1", variants } }));
    const xr2 = client({ source: "app \"ü\" \\ 🚀" });
    const unitIds = ['quote " backslash \\ newline \n', "é🚀\u2028", "plain"];
    const served = [];
    for (const unitId of unitIds) served.push(await xr2.getPrompt("ab", { variables: { name: "Ada" }, unitId }));
    expect(served.map((prompt) => prompt.variant)).toEqual(["control", 'tr"eat', "control"]); // the quote in a variant key is escaped too
    const plain = await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } });
    await expect(xr2.getPrompt("welcome-message", { variables: {} })).rejects.toBeInstanceOf(TemplateRenderError);
    await xr2.flush();
    const received = [...edge.exposures.values()];
    expect(received).toHaveLength(5);
    const timing = { served_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), latency_ms: expect.any(Number) };
    const common = { environment: "production", source: "app \"ü\" \\ 🚀", ...timing };
    served.forEach((prompt, i) => {
      expect(received.find((exposure) => exposure.trace_id === prompt.trace_id)).toEqual({
        trace_id: prompt.trace_id,
        origin: i === 0 ? "network" : "cache",
        slug: "ab",
        prompt_id: "pr_ab",
        version_id: prompt.version_id,
        status: "success",
        variant: prompt.variant,
        experiment_id: "exp_1",
        unit_id: unitIds[i],
        ...common,
      });
    });
    expect(received.find((exposure) => exposure.trace_id === plain.trace_id)).toEqual({ trace_id: plain.trace_id, origin: "network", slug: "welcome-message", prompt_id: "pr_welcome-message", version_id: "pv_welcome-message_1", status: "success", ...common });
    expect(received.find((exposure) => exposure.status === "error")).toEqual({
      trace_id: expect.stringMatching(/^tr_/),
      origin: "cache",
      slug: "welcome-message",
      prompt_id: "pr_welcome-message",
      version_id: "pv_welcome-message_1",
      status: "error",
      error_code: "VALIDATION_FAILED",
      ...common,
    });
  });
});

describe("remote mode", () => {
  it("asks the edge to render, with values, unit and source; falls back when it cannot", async () => {
    const xr2 = client({ mode: "remote", maxRetries: 0, fallbacks: { gone: { content: "Fallback {name}" } } });
    expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" }, unitId: "user-7" })).toMatchObject({ content: "Hi Ada", origin: "network", version: 1, trace_id: "tr_01jf0000000000000000000000" });
    const request = edge.requestsTo("/api/v1/get-prompt/welcome-message")[0]!;
    expect([request.method, request.query.get("unit_id"), request.query.get("source"), request.body]).toEqual(["POST", "user-7", "checkout-app", { variables: { name: "Ada" } }]);
    expect(edge.requestsTo("/api/v1/prompts")).toHaveLength(0);

    for (const variables of [{}, null as unknown as undefined]) {
      // null, from plain JavaScript, is sent as no values: the edge names the missing variable.
      const refused = await xr2.getPrompt("welcome-message", { variables }).catch((thrown: unknown) => thrown);
      expect(refused).toBeInstanceOf(TemplateRenderError);
      expect(refused).toMatchObject({ errors: [{ code: "missing_variable", variable: "name" }] });
    }
    expect(edge.requestsTo("/api/v1/get-prompt/welcome-message").slice(-1)[0]!.body).toEqual({ variables: {} });
    await expect(xr2.getPrompt("nowhere")).rejects.toBeInstanceOf(PromptNotFoundError);
    expect(await xr2.getPrompt("gone", { variables: { name: "Ada" } })).toMatchObject({ content: "Fallback Ada", origin: "fallback" });
    await edge.stop();
    await expect(xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).rejects.toBeInstanceOf(PromptUnavailableError);
  });

  it("never retries a get-prompt that timed out (it may have been served), but retries a 503 with Retry-After", async () => {
    const xr2 = client({ mode: "remote", maxRetries: 2, fetchTimeoutMs: 100, fallbacks: { "welcome-message": { content: "Fallback {name}" } } });
    edge.delayMs = 1_000;
    expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).toMatchObject({ origin: "fallback" });
    expect(edge.requestsTo("/api/v1/get-prompt/")).toHaveLength(1);
    edge.delayMs = 0;
    edge.faults.push({ path: "/api/v1/get-prompt/", status: 503, retryAfter: "0", count: 1 }, { path: "/api/v1/get-prompt/", status: 500, count: 1 });
    expect(await xr2.getPrompt("welcome-message", { variables: { name: "Ada" } })).toMatchObject({ origin: "fallback" });
    expect(edge.requestsTo("/api/v1/get-prompt/").slice(1).map((request) => request.status)).toEqual([503, 500]);
  });
});
