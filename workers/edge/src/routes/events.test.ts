import { describe, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { and, eq, inArray } from "drizzle-orm";
import fc from "fast-check";
import { eventDefinitions, events } from "@xr2/db/schema";
import { kvKeys, newId, PRODUCT_API_LIMITS, type EventBatchMessage, type EventDefinitionsRecord, type ExposureBatchMessage } from "@xr2/shared";
import { createEdgeApp } from "../app.ts";
import { createPublishedPrompt, database, pollUntil, type PublishedFixture } from "../testing/fixtures.ts";
import { windowSecondsAwayFromBoundary } from "@xr2/shared/testing/rate-limit-window";

const queue = (env as unknown as { EVENTS_QUEUE: Queue<unknown> }).EVENTS_QUEUE;

function post(path: string, key: string | null, body: unknown) {
  return exports.default.fetch(`http://edge.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The edge app with the real queue binding, recording every message sent through it (or failing). */
async function postThroughRecordedQueue(path: string, key: string, body: unknown, opts: { fail?: boolean } = {}) {
  const sent: unknown[] = [];
  const recorded: Pick<Queue<unknown>, "send" | "sendBatch"> = {
    send: async (message, options) => {
      if (opts.fail) throw new Error("injected queue outage");
      // The request's entry in its key's request log travels on the same queue; only events are recorded.
      if ((message as { type?: unknown }).type !== "request_log_batch") sent.push(message);
      return queue.send(message, options);
    },
    sendBatch: () => Promise.reject(new Error("not used")),
  };
  const ctx = createExecutionContext();
  const response = await createEdgeApp().fetch(
    new Request(`http://edge.test${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) }),
    { ...env, EVENTS_QUEUE: recorded },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { response, sent };
}

async function storedEvents(workspaceId: string, eventIds: string[]) {
  return database().select().from(events).where(and(eq(events.workspaceId, workspaceId), inArray(events.eventId, eventIds)));
}

async function waitForEvents(workspaceId: string, eventIds: string[], done: (rows: Awaited<ReturnType<typeof storedEvents>>) => boolean = (rows) => rows.length >= eventIds.length) {
  return pollUntil(() => storedEvents(workspaceId, eventIds), done, 10_000);
}

/** Defines `purchase` (amount: number required; currency: string, coupon: boolean optional) in Postgres only. */
async function definePurchase(fixture: PublishedFixture) {
  await database()
    .insert(eventDefinitions)
    .values({
      id: newId("eventDefinition"),
      workspaceId: fixture.workspaceId,
      eventName: "purchase",
      category: "conversion",
      requiredFields: [{ name: "amount", type: "number" }],
      optionalFields: [
        { name: "currency", type: "string" },
        { name: "coupon", type: "boolean" },
      ],
    });
}

async function getPromptTrace(fixture: PublishedFixture): Promise<string> {
  const response = await exports.default.fetch(`http://edge.test/api/v1/get-prompt/${fixture.slug}`, { headers: { authorization: `Bearer ${fixture.apiKey}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { trace_id: string }).trace_id;
}

describe("POST /api/v1/events", () => {
  it("accepts an event (202), queues it and stores it with the client's id, fields and time", async () => {
    const fixture = await createPublishedPrompt();
    const eventId = `client-${crypto.randomUUID()}`;
    const response = await post("/api/v1/events", fixture.apiKey, {
      event_id: eventId,
      trace_id: newId("trace"),
      event_name: "signup",
      category: "activation",
      fields: { plan: "pro", seats: 3, trial: false, referrer: null },
      timestamp: "2026-01-02T03:04:05+01:00",
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: true, event_id: eventId, declared: false });

    const [row] = await waitForEvents(fixture.workspaceId, [eventId]);
    expect(row).toMatchObject({ eventName: "signup", category: "activation", fields: { plan: "pro", seats: 3, trial: false, referrer: null }, promptId: null });
    expect(row!.occurredAt.toISOString()).toBe("2026-01-02T02:04:05.000Z");
  });

  it("attributes an event to the prompt version whose get-prompt answer carried its trace_id", async () => {
    const fixture = await createPublishedPrompt();
    const traceId = await getPromptTrace(fixture);
    const response = await post("/api/v1/events", fixture.apiKey, { trace_id: traceId, event_name: "ticket_solved" });
    expect(response.status).toBe(202);
    const { event_id } = (await response.json()) as { event_id: string };

    const [row] = await waitForEvents(fixture.workspaceId, [event_id], (rows) => rows[0]?.promptId != null);
    expect(row).toMatchObject({ traceId, promptId: fixture.promptId, versionId: fixture.versionId });
  });

  it("attributes an event that arrives before its exposure once the exposure is stored", async () => {
    const fixture = await createPublishedPrompt();
    const traceId = newId("trace");
    const response = await post("/api/v1/events", fixture.apiKey, { trace_id: traceId, event_name: "signup" });
    const { event_id } = (await response.json()) as { event_id: string };
    const [early] = await waitForEvents(fixture.workspaceId, [event_id]);
    expect(early).toMatchObject({ promptId: null, versionId: null });

    // The exposure of that trace, delayed (it travels through the same queue, buffered by the edge).
    const exposure: ExposureBatchMessage = {
      type: "exposure_batch",
      exposures: [
        {
          trace_id: traceId,
          workspace_id: fixture.workspaceId,
          prompt_id: fixture.promptId,
          version_id: fixture.versionId,
          environment: "production",
          source: null,
          variant: null,
          unit_id: null,
          api_key_id: fixture.keyId,
          latency_ms: 2,
          served_at: new Date().toISOString(),
        },
      ],
    };
    await queue.send(exposure, { contentType: "json" });
    const [late] = await waitForEvents(fixture.workspaceId, [event_id], (rows) => rows[0]?.promptId != null);
    expect(late).toMatchObject({ promptId: fixture.promptId, versionId: fixture.versionId });
  });

  it("stores an event once however often it is sent: by its event_id, or by its content when it has none", async () => {
    const fixture = await createPublishedPrompt();
    const withId = { event_id: `dup-${crypto.randomUUID()}`, trace_id: newId("trace"), event_name: "signup" };
    const withoutId = { trace_id: newId("trace"), event_name: "purchase_intent", fields: { b: 2, a: "x" }, timestamp: Date.now() - 1000 };
    const answers: string[] = [];
    for (const body of [withId, withId, withoutId, { ...withoutId, fields: { a: "x", b: 2 } }]) {
      const response = await post("/api/v1/events", fixture.apiKey, body);
      expect(response.status).toBe(202);
      answers.push(((await response.json()) as { event_id: string }).event_id);
    }
    expect(answers[0]).toBe(withId.event_id);
    expect(answers[1]).toBe(withId.event_id);
    expect(answers[2]).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(answers[3]).toBe(answers[2]);
    // A later, different event of the same trace gets another id.
    const other = await post("/api/v1/events", fixture.apiKey, { ...withoutId, fields: { a: "y", b: 2 } });
    const otherId = ((await other.json()) as { event_id: string }).event_id;
    expect(otherId).not.toBe(answers[2]);

    const rows = await waitForEvents(fixture.workspaceId, [withId.event_id, answers[2]!, otherId]);
    expect(rows.map((row) => row.eventId).sort()).toEqual([withId.event_id, answers[2]!, otherId].sort());
    const all = await database().select().from(events).where(eq(events.workspaceId, fixture.workspaceId));
    expect(all).toHaveLength(3);
  });

  it("validates events of a defined name strictly and fills in the defined category", async () => {
    const fixture = await createPublishedPrompt();
    await definePurchase(fixture);
    const trace_id = newId("trace");
    const ok = await post("/api/v1/events", fixture.apiKey, { trace_id, event_name: "purchase", fields: { amount: 19.9, currency: "EUR", coupon: null } });
    expect(ok.status).toBe(202);
    const accepted = (await ok.json()) as { event_id: string; declared: boolean };
    expect(accepted.declared).toBe(true);

    for (const [fields, category, mentions] of [
      [{}, undefined, "amount"],
      [{ amount: null }, undefined, "amount"],
      [{ amount: "19.90" }, undefined, "amount"],
      [{ amount: 1, currency: 978 }, undefined, "currency"],
      [{ amount: 1, discount: 5 }, undefined, "discount"],
      [{ amount: 1 }, "engagement", "category"],
    ] as const) {
      const response = await post("/api/v1/events", fixture.apiKey, { trace_id, event_name: "purchase", fields, ...(category ? { category } : {}) });
      expect(response.status, JSON.stringify(fields)).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("VALIDATION_FAILED");
      expect(body.error.message).toContain(mentions);
    }
    const [row] = await waitForEvents(fixture.workspaceId, [accepted.event_id]);
    expect(row).toMatchObject({ category: "conversion", fields: { amount: 19.9, currency: "EUR", coupon: null } });
  });

  it("validates by a changed definition once the change reaches KV and the isolate's cache expires", async () => {
    const fixture = await createPublishedPrompt();
    await definePurchase(fixture);
    const event = { trace_id: newId("trace"), event_name: "purchase", fields: { amount: 1, gift: true } };
    expect((await post("/api/v1/events", fixture.apiKey, event)).status).toBe(400);
    // What a change through the API does after its transaction: the projection is rewritten.
    const changed: EventDefinitionsRecord = {
      workspace_id: fixture.workspaceId,
      definitions: [{ event_name: "purchase", category: "conversion", required_fields: [{ name: "amount", type: "number" }], optional_fields: [{ name: "gift", type: "boolean" }] }],
    };
    await env.PROMPTS_KV.put(kvKeys.eventDefinitions(fixture.workspaceId), JSON.stringify(changed));
    const response = await pollUntil(() => post("/api/v1/events", fixture.apiKey, event), (seen) => seen.status === 202);
    expect(response.status).toBe(202);
  });

  it("answers 400 or 413 with a JSON error, never 500, to malformed or oversized events", async () => {
    const fixture = await createPublishedPrompt();
    const trace_id = newId("trace");
    const tooManyFields = Object.fromEntries(Array.from({ length: PRODUCT_API_LIMITS.eventFields + 1 }, (_, index) => [`f${index}`, index]));
    const fourLongFields = Object.fromEntries(Array.from({ length: 5 }, (_, index) => [`text${index}`, "x".repeat(PRODUCT_API_LIMITS.eventFieldValueChars)]));
    for (const [body, status] of [
      ["{not json", 400],
      ["[]", 400],
      [{ event_name: "signup" }, 400],
      [{ trace_id, event_name: "Sign Up" }, 400],
      [{ trace_id, event_name: "x".repeat(65) }, 400],
      [{ trace_id, event_name: "signup", fields: { nested: { a: 1 } } }, 400],
      [{ trace_id, event_name: "signup", fields: { "bad name": 1 } }, 400],
      [{ trace_id, event_name: "signup", fields: tooManyFields }, 400],
      [{ trace_id, event_name: "signup", fields: { text: "x".repeat(PRODUCT_API_LIMITS.eventFieldValueChars + 1) } }, 400],
      [{ trace_id, event_name: "signup", fields: { text: "nul\u0000" } }, 400],
      [{ trace_id, event_name: "signup", category: "a\u0000" }, 400],
      // A lone surrogate is no Unicode text: Postgres refuses it in jsonb as it refuses NUL.
      [{ trace_id, event_name: "signup", fields: { text: "half \ud800 a pair" } }, 400],
      [{ trace_id, event_name: "signup", category: "\udc00" }, 400],
      [{ trace_id, event_name: "signup", event_id: "has spaces" }, 400],
      [{ trace_id, event_name: "signup", event_id: "e".repeat(129) }, 400],
      [{ trace_id, event_name: "signup", timestamp: "yesterday" }, 400],
      [{ trace_id, event_name: "signup", timestamp: Date.now() + 3 * 24 * 3600 * 1000 }, 400],
      [{ trace_id, event_name: "signup", timestamp: 1e20 }, 400],
      [{ trace_id, event_name: "signup", user: "extra" }, 400],
      [{ trace_id, event_name: "signup", fields: fourLongFields }, 413],
      [JSON.stringify({ trace_id, event_name: "signup", fields: { text: "x".repeat(9_000) } }), 413],
    ] as const) {
      const response = await post("/api/v1/events", fixture.apiKey, body);
      expect(response.status, JSON.stringify(body).slice(0, 200)).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code: status === 413 ? "PAYLOAD_TOO_LARGE" : expect.stringMatching(/^(BAD_REQUEST|VALIDATION_FAILED)$/), request_id: expect.any(String) } });
    }
  });

  it("answers 415 with a JSON error to a body that is not sent as JSON, on both event routes", async () => {
    const fixture = await createPublishedPrompt();
    const event = { trace_id: newId("trace"), event_name: "signup" };
    for (const [path, body] of [
      ["/api/v1/events", JSON.stringify(event)],
      ["/api/v1/events/batch", JSON.stringify({ events: [event] })],
    ] as const) {
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded", null]) {
        const response = await exports.default.fetch(`http://edge.test${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${fixture.apiKey}`, ...(contentType === null ? {} : { "content-type": contentType }) },
          body,
        });
        expect(response.status, `${path} with ${contentType}`).toBe(415);
        expect(await response.json()).toMatchObject({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: expect.stringContaining("application/json"), request_id: expect.any(String) } });
      }
      const json = await post(path, fixture.apiKey, body);
      expect(json.status, `${path} as application/json`).toBe(202);
    }
  });

  it("needs a key with the events:write scope", async () => {
    const readOnly = await createPublishedPrompt({ scopes: ["prompts:read"] });
    const event = { trace_id: newId("trace"), event_name: "signup" };
    const forbidden = await post("/api/v1/events", readOnly.apiKey, event);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect((await post("/api/v1/events", null, event)).status).toBe(401);
    expect((await post("/api/v1/events/batch", readOnly.apiKey, { events: [event] })).status).toBe(403);
    const eventsOnly = await createPublishedPrompt({ scopes: ["events:write"] });
    expect((await post("/api/v1/events", eventsOnly.apiKey, event)).status).toBe(202);
  });

  it("answers 503 and accepts nothing when the queue does not take the message", async () => {
    const fixture = await createPublishedPrompt();
    const eventId = `lost-${crypto.randomUUID()}`;
    const { response } = await postThroughRecordedQueue("/api/v1/events", fixture.apiKey, { event_id: eventId, trace_id: newId("trace"), event_name: "signup" }, { fail: true });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toMatchObject({ error: { code: "DEPENDENCY_UNAVAILABLE" } });
  });

  it("limits requests per key with 429 and Retry-After", async () => {
    const fixture = await createPublishedPrompt();
    // A second for Redis, not 50 ms: the isolate's first check loads the scripts, and a busy machine must not turn it into a fail-open.
    const limited = { ...env, RATE_LIMIT_TIMEOUT_MS: "1000", RATE_LIMIT_OVERRIDES: JSON.stringify({ eventsPerKey: { requests: 2, windowSeconds: windowSecondsAwayFromBoundary(60) } }) };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let index = 0; index < 3; index++) {
      const ctx = createExecutionContext();
      last = await createEdgeApp().fetch(
        new Request("http://edge.test/api/v1/events", { method: "POST", headers: { authorization: `Bearer ${fixture.apiKey}`, "content-type": "application/json" }, body: JSON.stringify({ trace_id: newId("trace"), event_name: "signup" }) }),
        limited,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 429]);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("POST /api/v1/events/batch", () => {
  it("answers per item, and queues the valid items of a mixed batch as one message", async () => {
    const fixture = await createPublishedPrompt();
    await definePurchase(fixture);
    const trace_id = newId("trace");
    const good = [
      { event_id: `b-${crypto.randomUUID()}`, trace_id, event_name: "purchase", fields: { amount: 5 } },
      { event_id: `b-${crypto.randomUUID()}`, trace_id, event_name: "page_view", fields: { path: "/pricing" } },
      { trace_id, event_name: "signup" },
    ];
    const items: unknown[] = [
      good[0],
      { trace_id, event_name: "purchase", fields: { amount: "five" } },
      good[1],
      42,
      { event_id: "no-trace", event_name: "signup" },
      good[2],
      { trace_id, event_name: "signup", fields: Object.fromEntries(Array.from({ length: 5 }, (_, index) => [`t${index}`, "y".repeat(1_000)])) },
    ];
    const { response, sent } = await postThroughRecordedQueue("/api/v1/events/batch", fixture.apiKey, { events: items });
    expect(response.status).toBe(202);
    const { results } = (await response.json()) as { results: Array<{ index: number; event_id: string | null; accepted: boolean; declared?: boolean; error?: { code: string; message: string } }> };
    expect(results.map((result) => [result.index, result.accepted, result.error?.code ?? null])).toEqual([
      [0, true, null],
      [1, false, "VALIDATION_FAILED"],
      [2, true, null],
      [3, false, "VALIDATION_FAILED"],
      [4, false, "VALIDATION_FAILED"],
      [5, true, null],
      [6, false, "PAYLOAD_TOO_LARGE"],
    ]);
    expect(results[0]).toMatchObject({ event_id: good[0]!.event_id, declared: true });
    expect(results[2]).toMatchObject({ event_id: good[1]!.event_id, declared: false });
    expect(results[1]!.error!.message).toContain("amount");
    expect(results[4]).toMatchObject({ event_id: "no-trace" });
    expect(results[4]!.error!.message).toContain("trace_id");

    expect(sent).toHaveLength(1);
    const message = sent[0] as EventBatchMessage;
    expect(message).toMatchObject({ type: "event_batch", workspace_id: fixture.workspaceId, api_key_id: fixture.keyId });
    expect(message.events.map((event) => event.event_id)).toEqual([results[0]!.event_id, results[2]!.event_id, results[5]!.event_id]);

    const acceptedIds = [0, 2, 5].map((index) => results[index]!.event_id!);
    const rows = await waitForEvents(fixture.workspaceId, acceptedIds);
    expect(rows.map((row) => row.eventId).sort()).toEqual([...acceptedIds].sort());
  });

  it("stores a full batch of the largest allowed request as one message under the queue's limit", async () => {
    const fixture = await createPublishedPrompt();
    const trace_id = newId("trace");
    const filler = "z".repeat(800);
    const batch = Array.from({ length: PRODUCT_API_LIMITS.eventsPerBatch }, (_, index) => ({ event_id: `full-${index}-${crypto.randomUUID()}`, trace_id, event_name: "bulk", fields: { filler } }));
    expect(JSON.stringify({ events: batch }).length).toBeLessThanOrEqual(PRODUCT_API_LIMITS.eventsBatchBodyBytes);
    const { response, sent } = await postThroughRecordedQueue("/api/v1/events/batch", fixture.apiKey, { events: batch });
    expect(response.status).toBe(202);
    expect(sent).toHaveLength(1);
    const rows = await waitForEvents(fixture.workspaceId, batch.map((event) => event.event_id));
    expect(rows).toHaveLength(PRODUCT_API_LIMITS.eventsPerBatch);
  });

  it("answers 400 or 413 to batches that are malformed, empty, too long or too large", async () => {
    const fixture = await createPublishedPrompt();
    const event = { trace_id: newId("trace"), event_name: "signup" };
    for (const [body, status] of [
      ["{not json", 400],
      [{}, 400],
      [{ events: "all of them" }, 400],
      [{ events: [] }, 400],
      [{ events: [event], extra: true }, 400],
      [[event], 400],
      [{ events: Array.from({ length: PRODUCT_API_LIMITS.eventsPerBatch + 1 }, () => event) }, 413],
      [{ events: Array.from({ length: 20 }, () => ({ ...event, fields: { text: "x".repeat(6_000) } })) }, 413],
    ] as const) {
      const response = await post("/api/v1/events/batch", fixture.apiKey, body);
      expect(response.status, JSON.stringify(body).slice(0, 120)).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code: expect.any(String), request_id: expect.any(String) } });
    }
  });

  it("never answers 500 to arbitrary items: each gets a result, invalid ones an error", async () => {
    const fixture = await createPublishedPrompt();
    await definePurchase(fixture);
    const trace_id = newId("trace");
    const item = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          event_id: fc.oneof(fc.string(), fc.jsonValue()),
          trace_id: fc.oneof(fc.constant(trace_id), fc.string(), fc.jsonValue()),
          event_name: fc.oneof(fc.constantFrom("purchase", "signup"), fc.string()),
          category: fc.oneof(fc.constant(null), fc.string()),
          fields: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue()), { maxKeys: 5 }), fc.jsonValue()),
          timestamp: fc.oneof(fc.integer(), fc.string(), fc.date({ noInvalidDate: true }).map((date) => date.toISOString())),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 10 }), async (items) => {
        const response = await post("/api/v1/events/batch", fixture.apiKey, { events: items });
        if (response.status === 413) return;
        expect(response.status).toBe(202);
        const { results } = (await response.json()) as { results: Array<{ index: number; accepted: boolean; error?: unknown }> };
        expect(results.map((result) => result.index)).toEqual(items.map((_, index) => index));
        for (const result of results) expect(result.accepted || result.error !== undefined).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
