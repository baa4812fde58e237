import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { and, eq, inArray } from "drizzle-orm";
import { deadLetters, events, exposures, fallbackUses, type BusinessEvent } from "@xr2/db/schema";
import { newId, type EventBatchMessage, type ExposureMessage, type QueuedEvent } from "@xr2/shared";
import type { ServiceContext } from "../context.ts";
import { createPromptFixture, testContext, type PromptFixture } from "../testing/fixtures.ts";
import { consumeEvents } from "./consume-events.ts";
import { consumeQueue } from "./consume-queue.ts";
import { MAX_EVENT_FIRSTS } from "../services/analytics/event-firsts.ts";
import { getFunnel } from "../services/analytics/funnels.ts";
import { getServing } from "../services/analytics/serving.ts";

function exposure(fixture: { workspaceId: string; promptId: string; versionIds: string[] }): ExposureMessage {
  return {
    type: "exposure",
    trace_id: newId("trace"),
    workspace_id: fixture.workspaceId,
    prompt_id: fixture.promptId,
    version_id: fixture.versionIds[0]!,
    environment: "production",
    source: "test",
    variant: null,
    unit_id: null,
    api_key_id: null,
    latency_ms: 1.5,
    status: "success",
    error_code: null,
    served_at: new Date().toISOString(),
  };
}

async function deliver(bodies: unknown[], overrides: Record<string, unknown> = {}) {
  return deliverBatch(createMessageBatch("xr2-events", bodies.map((body, index) => ({ id: `msg-${index}`, timestamp: new Date(), attempts: 1, body }))), consumeEvents, overrides);
}

async function deliverBatch(batch: MessageBatch<unknown>, consume = consumeEvents, overrides: Record<string, unknown> = {}) {
  const ctx = createExecutionContext();
  await consume(batch, { ...env, ...overrides });
  return getQueueResult(batch, ctx);
}

const strip = ({ type: _type, ...rest }: ExposureMessage) => rest;

describe("events queue consumer", () => {
  it("stores exposures once, even when a message is delivered again", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const messages = [exposure(fixture), exposure(fixture)];

    const first = await deliver(messages);
    expect(first.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    await deliver([messages[0]]);

    const rows = await ctx.db().select().from(exposures).where(inArray(exposures.traceId, messages.map((m) => m.trace_id)));
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.traceId === messages[0]!.trace_id)).toMatchObject({ promptId: fixture.promptId, versionId: fixture.versionIds[0], source: "test" });
    await ctx.dispose();
  });

  it("acknowledges malformed messages and health probes on their own without holding back the batch", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const good = exposure(fixture);

    const result = await deliver([{ type: "exposure", trace_id: 42 }, good, { type: "health_probe", sent_at: new Date().toISOString() }]);
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1", "msg-2"]);
    expect(result.retryMessages).toEqual([]);
    expect(await ctx.db().select().from(exposures).where(eq(exposures.traceId, good.trace_id))).toHaveLength(1);
    await ctx.dispose();
  });

  it("stores the exposures of a batch message, and the valid ones of a batch with a malformed item", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const batched = [exposure(fixture), exposure(fixture), exposure(fixture)].map(strip);
    const salvaged = [exposure(fixture), exposure(fixture)].map(strip);

    const result = await deliver([
      { type: "exposure_batch", exposures: batched },
      { type: "exposure_batch", exposures: [salvaged[0], { trace_id: 42 }, salvaged[1]] },
    ]);
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    const traceIds = [...batched, ...salvaged].map((item) => item.trace_id);
    const rows = await ctx.db().select({ traceId: exposures.traceId }).from(exposures).where(inArray(exposures.traceId, traceIds));
    expect(rows.map((row) => row.traceId).sort()).toEqual([...traceIds].sort());
    await ctx.dispose();
  });

  it("stores the good messages of a batch and retries only the one Postgres refuses", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const good = exposure(fixture);
    // Its workspace does not exist: the foreign key refuses it however often it is delivered.
    const refused = { ...exposure(fixture), workspace_id: "ws_deleted_meanwhile" };

    const result = await deliver([refused, good]);
    expect(result.explicitAcks).toEqual(["msg-1"]);
    expect(result.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual(["msg-0"]);
    expect(await ctx.db().select().from(exposures).where(inArray(exposures.traceId, [good.trace_id, refused.trace_id]))).toEqual([
      expect.objectContaining({ traceId: good.trace_id }),
    ]);
    await ctx.dispose();
  });

  it("retries the messages, losing none, when Postgres is unreachable", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const message = exposure(fixture);

    const failed = await deliver([message], { NEON_LOCAL_ENDPOINT: "http://127.0.0.1:9" });
    expect(failed.explicitAcks).toEqual([]);
    expect(failed.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual(["msg-0"]);
    expect(await ctx.db().select().from(exposures).where(eq(exposures.traceId, message.trace_id))).toHaveLength(0);

    await deliver([message]);
    expect(await ctx.db().select().from(exposures).where(eq(exposures.traceId, message.trace_id))).toHaveLength(1);
    await ctx.dispose();
  });
});

function eventBatch(workspaceId: string, events: Array<Partial<QueuedEvent> & { trace_id: string }>): EventBatchMessage {
  return {
    type: "event_batch",
    workspace_id: workspaceId,
    api_key_id: null,
    received_at: new Date().toISOString(),
    events: events.map((event) => ({ event_id: newId("event"), event_name: "signup", category: null, fields: {}, occurred_at: new Date().toISOString(), ...event })),
  };
}

async function eventsOf(ctx: ServiceContext, workspaceId: string) {
  return ctx.db().select().from(events).where(eq(events.workspaceId, workspaceId));
}

/** Each event_id of `messages` exactly once, and nothing else. */
function expectStoredOnce(rows: BusinessEvent[], messages: EventBatchMessage[]) {
  const expected = messages.flatMap((message) => message.events.map((event) => event.event_id)).sort();
  expect(rows.map((row) => row.eventId).sort()).toEqual(expected);
}

describe("events queue consumer: business events", () => {
  it("stores events once, even when their message is delivered again, attributed from exposures stored before or beside them", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx, ["v1", "v2"]);
    const earlier = { ...exposure(fixture), version_id: fixture.versionIds[1]! };
    await deliver([earlier]);
    const beside = exposure(fixture);
    const unknownTrace = newId("trace");
    const message = eventBatch(fixture.workspaceId, [
      { trace_id: earlier.trace_id, event_name: "purchase", category: "conversion", fields: { amount: 9.5, currency: "EUR" } },
      { trace_id: beside.trace_id },
      { trace_id: unknownTrace },
    ]);

    const first = await deliver([{ type: "exposure_batch", exposures: [strip(beside)] }, message]);
    expect(first.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    await deliver([message]);
    await deliver([message, message]);

    const rows = await eventsOf(ctx, fixture.workspaceId);
    expectStoredOnce(rows, [message]);
    const byTrace = new Map(rows.map((row) => [row.traceId, row]));
    expect(byTrace.get(earlier.trace_id)).toMatchObject({ promptId: fixture.promptId, versionId: fixture.versionIds[1], category: "conversion", fields: { amount: 9.5, currency: "EUR" } });
    expect(byTrace.get(beside.trace_id)).toMatchObject({ promptId: fixture.promptId, versionId: fixture.versionIds[0] });
    expect(byTrace.get(unknownTrace)).toMatchObject({ promptId: null, versionId: null });
    await ctx.dispose();
  });

  it("keeps an event whose exposure has not arrived, and attributes it when the exposure comes", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const late = exposure(fixture);
    const message = eventBatch(fixture.workspaceId, [{ trace_id: late.trace_id }, { trace_id: late.trace_id, event_name: "purchase" }]);
    await deliver([message]);
    expect((await eventsOf(ctx, fixture.workspaceId)).map((row) => row.promptId)).toEqual([null, null]);

    const result = await deliver([late]);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    const rows = await eventsOf(ctx, fixture.workspaceId);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ promptId: fixture.promptId, versionId: fixture.versionIds[0] });
    await ctx.dispose();
  });

  it("never attributes an event to another workspace's exposure of the same trace id", async () => {
    const ctx = testContext();
    const mine = await createPromptFixture(ctx);
    const theirs = await createPromptFixture(ctx);
    const foreign = exposure(theirs);
    await deliver([foreign]);
    await deliver([eventBatch(mine.workspaceId, [{ trace_id: foreign.trace_id }])]);
    await deliver([foreign]);
    expect((await eventsOf(ctx, mine.workspaceId)).map((row) => row.promptId)).toEqual([null]);
    await ctx.dispose();
  });

  it("loses and duplicates nothing when a delivery stops halfway and the whole batch comes again", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const exposures = [exposure(fixture), exposure(fixture)];
    const messages = [
      { type: "exposure_batch", exposures: exposures.map(strip) },
      eventBatch(fixture.workspaceId, [{ trace_id: exposures[0]!.trace_id }, { trace_id: exposures[1]!.trace_id, event_name: "purchase" }]),
      eventBatch(fixture.workspaceId, [{ trace_id: exposures[1]!.trace_id }, { trace_id: newId("trace") }]),
    ] as const;
    // The first delivery got as far as the first two messages (say the isolate died), and acked none.
    await deliver(messages.slice(0, 2));
    const again = await deliver([...messages]);
    expect(again.explicitAcks.sort()).toEqual(["msg-0", "msg-1", "msg-2"]);

    const rows = await eventsOf(ctx, fixture.workspaceId);
    expectStoredOnce(rows, [messages[1], messages[2]]);
    expect(rows.filter((row) => row.promptId === fixture.promptId)).toHaveLength(3);
    await ctx.dispose();
  });

  it("stores the good messages of a batch, retries only the one Postgres refuses, and a redelivery of all duplicates nothing", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const good = [eventBatch(fixture.workspaceId, [{ trace_id: newId("trace") }]), eventBatch(fixture.workspaceId, [{ trace_id: newId("trace") }, { trace_id: newId("trace") }])];
    // Its workspace does not exist: the foreign key refuses it however often it is delivered.
    const refused = eventBatch("ws_deleted_meanwhile", [{ trace_id: newId("trace") }]);

    const result = await deliver([good[0], refused, good[1]]);
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-2"]);
    expect(result.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual(["msg-1"]);
    await deliver([good[0], refused, good[1]]);
    expectStoredOnce(await eventsOf(ctx, fixture.workspaceId), good);
    await ctx.dispose();
  });

  it("retries every message, storing nothing twice, while Postgres is unreachable", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const seen = exposure(fixture);
    const messages = [seen, eventBatch(fixture.workspaceId, [{ trace_id: seen.trace_id }, { trace_id: newId("trace") }])];

    const failed = await deliver(messages, { NEON_LOCAL_ENDPOINT: "http://127.0.0.1:9" });
    expect(failed.explicitAcks).toEqual([]);
    expect(failed.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual(["msg-0", "msg-1"]);
    expect(await eventsOf(ctx, fixture.workspaceId)).toEqual([]);

    const stored = await deliver(messages);
    expect(stored.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    const rows = await eventsOf(ctx, fixture.workspaceId);
    expectStoredOnce(rows, [messages[1] as EventBatchMessage]);
    expect(rows.find((row) => row.traceId === seen.trace_id)).toMatchObject({ promptId: fixture.promptId });
    await ctx.dispose();
  });

  it("stores a full batch of full messages (more rows than one statement may carry)", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const messages = Array.from({ length: 25 }, () => eventBatch(fixture.workspaceId, Array.from({ length: 100 }, () => ({ trace_id: newId("trace"), fields: { note: "x".repeat(200) } }))));
    const result = await deliver(messages);
    expect(result.explicitAcks).toHaveLength(25);
    expectStoredOnce(await eventsOf(ctx, fixture.workspaceId), messages);
    await ctx.dispose();
  });

  it("keeps malformed messages as dead letters, once, and stores the valid events beside them", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const valid = eventBatch(fixture.workspaceId, [{ trace_id: newId("trace") }, { trace_id: newId("trace") }]);
    const partlyValid = { ...valid, events: [valid.events[0], { event_id: "x", trace_id: 42 }, valid.events[1]] };
    const garbage = { type: "event_batch", events: "nope" };
    const batch = createMessageBatch("xr2-events", [
      { id: `poison-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body: partlyValid },
      { id: `poison-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body: garbage },
    ]);
    for (let delivery = 0; delivery < 2; delivery++) {
      const result = await deliverBatch(batch);
      expect(result.explicitAcks.sort()).toEqual(batch.messages.map((message) => message.id).sort());
      expect(result.retryMessages).toEqual([]);
    }
    expectStoredOnce(await eventsOf(ctx, fixture.workspaceId), [valid]);
    const letters = await ctx.db().select().from(deadLetters).where(inArray(deadLetters.messageId, batch.messages.map((message) => message.id)));
    expect(letters.map((letter) => [letter.queue, letter.body])).toEqual(expect.arrayContaining([["xr2-events", partlyValid], ["xr2-events", garbage]]));
    expect(letters).toHaveLength(2);
    expect(letters.find((letter) => letter.messageId === batch.messages[0]!.id)!.error).toContain("events.1.trace_id");
    await ctx.dispose();
  });

  it.each([
    ["a NUL character", "a\u0000b"],
    ["a lone surrogate", "a\ud800b"],
  ])("keeps a message Postgres can never take (%s) as a dead letter at once, and stores its neighbours", async (_case, note) => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const good = eventBatch(fixture.workspaceId, [{ trace_id: newId("trace") }]);
    const refused = eventBatch(fixture.workspaceId, [{ trace_id: newId("trace"), fields: { note } }]);
    const batch = createMessageBatch("xr2-events", [good, refused].map((body) => ({ id: `refused-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })));
    const result = await deliverBatch(batch);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((message) => message.id).sort());
    expect(result.retryMessages).toEqual([]);
    expectStoredOnce(await eventsOf(ctx, fixture.workspaceId), [good]);
    const [letter] = await ctx.db().select().from(deadLetters).where(eq(deadLetters.messageId, batch.messages[1]!.id));
    expect(letter!.error).toMatch(/^Postgres refused it \(22/);
    expect((letter!.body as EventBatchMessage).events[0]!.fields).toEqual({ note: "a\ufffdb" });
    await ctx.dispose();
  });

  it("keeps what reaches the dead-letter queue in dead_letters, once per message", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const body = eventBatch("ws_deleted_meanwhile", [{ trace_id: newId("trace") }]);
    const id = `dlq-${crypto.randomUUID()}`;
    const batch = createMessageBatch("xr2-events-dlq", [{ id, timestamp: new Date(), attempts: 1, body }]);
    for (let delivery = 0; delivery < 2; delivery++) {
      const result = await deliverBatch(batch, consumeQueue);
      expect(result.explicitAcks).toEqual([id]);
    }
    const letters = await ctx.db().select().from(deadLetters).where(eq(deadLetters.messageId, id));
    expect(letters).toEqual([expect.objectContaining({ queue: "xr2-events", body, replayedAt: null })]);
    expect(await eventsOf(ctx, fixture.workspaceId)).toEqual([]);
    await ctx.dispose();
  });

  it("stores the batch even when Redis, which only holds the live counters, is down", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const seen = exposure(fixture);
    const message = eventBatch(fixture.workspaceId, [{ trace_id: seen.trace_id }]);
    const result = await deliver([seen, message], { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" });
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    expectStoredOnce(await eventsOf(ctx, fixture.workspaceId), [message]);
    await ctx.dispose();
  });
});

describe("events queue consumer: first time of each event name per trace (exposures.event_firsts)", () => {
  const micros = (iso: string) => String(Date.parse(iso) * 1000);
  const minute = (minutes: number) => new Date(Date.parse("2025-05-05T10:00:00.000Z") + minutes * 60_000).toISOString();
  const firstsOf = async (ctx: ServiceContext, traceId: string) => (await ctx.db().select({ eventFirsts: exposures.eventFirsts }).from(exposures).where(eq(exposures.traceId, traceId)))[0]!.eventFirsts;

  it("keeps the earliest time per name, whichever of the exposure and its events arrives first, and never another workspace's events", async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const stranger = await createPromptFixture(ctx);
    const [first, late, quiet] = [exposure(fixture), exposure(fixture), exposure(fixture)];
    await deliver([first, quiet]);
    expect(await firstsOf(ctx, first.trace_id)).toEqual({});

    const events = eventBatch(fixture.workspaceId, [
      { trace_id: first.trace_id, event_name: "view", occurred_at: minute(2) },
      { trace_id: first.trace_id, event_name: "view", occurred_at: minute(1) },
      { trace_id: first.trace_id, event_name: "click", occurred_at: minute(3) },
      { trace_id: late.trace_id, event_name: "purchase", occurred_at: minute(5) },
    ]);
    await deliver([events]);
    expect(await firstsOf(ctx, first.trace_id)).toEqual({ view: micros(minute(1)), click: micros(minute(3)) });
    // The exposure that comes after its event gets it (late attribution's case).
    await deliver([late]);
    expect(await firstsOf(ctx, late.trace_id)).toEqual({ purchase: micros(minute(5)) });

    // A redelivery and a later view change nothing; an earlier click moves that name's time; the
    // same trace id in another workspace is another trace.
    await deliver([events, eventBatch(fixture.workspaceId, [{ trace_id: first.trace_id, event_name: "view", occurred_at: minute(9) }])]);
    await deliver([eventBatch(fixture.workspaceId, [{ trace_id: first.trace_id, event_name: "click", occurred_at: minute(0.5) }])]);
    await deliver([eventBatch(stranger.workspaceId, [{ trace_id: first.trace_id, event_name: "signup", occurred_at: minute(0) }])]);
    expect(await firstsOf(ctx, first.trace_id)).toEqual({ view: micros(minute(1)), click: micros(minute(0.5)) });
    expect(await firstsOf(ctx, quiet.trace_id)).toEqual({});
    await ctx.dispose();
  });

  it(`stops keeping the map of a trace with more than ${MAX_EVENT_FIRSTS} event names (readers then read its events)`, async () => {
    const ctx = testContext();
    const fixture = await createPromptFixture(ctx);
    const [full, over] = [exposure(fixture), exposure(fixture)];
    await deliver([full, over]);
    const named = (traceId: string, count: number) => Array.from({ length: count }, (_, index) => ({ trace_id: traceId, event_name: `step-${index}`, occurred_at: minute(index) }));
    await deliver([eventBatch(fixture.workspaceId, named(full.trace_id, MAX_EVENT_FIRSTS)), eventBatch(fixture.workspaceId, named(over.trace_id, MAX_EVENT_FIRSTS))]);
    expect(Object.keys((await firstsOf(ctx, full.trace_id))!)).toHaveLength(MAX_EVENT_FIRSTS);
    await deliver([eventBatch(fixture.workspaceId, [{ trace_id: over.trace_id, event_name: "one-more", occurred_at: minute(99) }])]);
    expect(await firstsOf(ctx, over.trace_id)).toBeNull();
    // Once not kept, never kept again.
    await deliver([eventBatch(fixture.workspaceId, [{ trace_id: over.trace_id, event_name: "step-0", occurred_at: minute(-1) }])]);
    expect(await firstsOf(ctx, over.trace_id)).toBeNull();
    await ctx.dispose();
  });
});

describe("events queue consumer: a trace id is a workspace's own", () => {
  // Apps choose the trace ids they report (POST /api/v1/exposures), and trace ids show up in logs
  // shared with others: a workspace that reports another's trace id first must change nothing of
  // that workspace's data.
  const hour = 3_600_000;
  const inRange = () => ({ from: new Date(Date.now() - hour), to: new Date(Date.now() + hour) });
  const funnelOf = async (ctx: ServiceContext, fixture: PromptFixture, step: string) =>
    (await getFunnel({ ctx, input: { workspaceId: fixture.workspaceId, promptId: fixture.promptId, steps: [step], ...inRange(), windowHours: 24 } })).versions.map((version) => ({
      version_id: version.version_id,
      counts: version.steps.map((counted) => counted.count),
    }));

  it("stores and counts a workspace's exposure whose trace id another workspace reported first, and attributes each workspace's events to its own", async () => {
    const ctx = testContext();
    const [first, second] = [await createPromptFixture(ctx), await createPromptFixture(ctx)];
    const reportedFirst = exposure(first);
    const traceId = reportedFirst.trace_id;
    // The second workspace's SDK reports its own exposure with the same trace id, afterwards.
    const own = { ...strip(exposure(second)), trace_id: traceId, origin: "cache" as const };
    await deliver([reportedFirst]);
    const result = await deliver([{ type: "exposure_batch", exposures: [own] }]);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    await deliver([eventBatch(first.workspaceId, [{ trace_id: traceId, event_name: "signup" }]), eventBatch(second.workspaceId, [{ trace_id: traceId, event_name: "purchase" }])]);

    const stored = await ctx.db().select().from(exposures).where(eq(exposures.traceId, traceId));
    const byWorkspace = new Map(stored.map((row) => [row.workspaceId, row]));
    expect(stored).toHaveLength(2);
    expect(byWorkspace.get(first.workspaceId)).toMatchObject({ promptId: first.promptId, versionId: first.versionIds[0], origin: null, source: "test", eventFirsts: { signup: expect.any(String) } });
    expect(byWorkspace.get(second.workspaceId)).toMatchObject({ promptId: second.promptId, versionId: second.versionIds[0], origin: "cache", eventFirsts: { purchase: expect.any(String) } });
    expect((await eventsOf(ctx, first.workspaceId)).map((row) => [row.eventName, row.promptId, row.versionId])).toEqual([["signup", first.promptId, first.versionIds[0]]]);
    expect((await eventsOf(ctx, second.workspaceId)).map((row) => [row.eventName, row.promptId, row.versionId])).toEqual([["purchase", second.promptId, second.versionIds[0]]]);

    // Each workspace's analytics count its own exposure and its own events only.
    const serving = await getServing({ ctx, input: { workspaceId: second.workspaceId, ...inRange() } });
    expect(serving.total).toBe(1);
    expect(serving.by_origin.find((row) => row.origin === "cache")?.count).toBe(1);
    expect(await funnelOf(ctx, second, "purchase")).toEqual([{ version_id: second.versionIds[0], counts: [1, 1] }]);
    expect(await funnelOf(ctx, second, "signup")).toEqual([{ version_id: second.versionIds[0], counts: [1, 0] }]);
    expect(await funnelOf(ctx, first, "signup")).toEqual([{ version_id: first.versionIds[0], counts: [1, 1] }]);
    expect(await funnelOf(ctx, first, "purchase")).toEqual([{ version_id: first.versionIds[0], counts: [1, 0] }]);
    await ctx.dispose();
  });

  it("keeps a workspace's fallback use whose trace id another workspace reported first", async () => {
    const ctx = testContext();
    const [first, second] = [await createPromptFixture(ctx), await createPromptFixture(ctx)];
    const fallback = (fixture: PromptFixture, traceId: string) => ({
      trace_id: traceId,
      workspace_id: fixture.workspaceId,
      slug: fixture.slug,
      environment: "production",
      source: null,
      unit_id: null,
      api_key_id: null,
      served_at: new Date().toISOString(),
    });
    const traceId = newId("trace");
    await deliver([{ type: "fallback_batch", fallbacks: [fallback(first, traceId)] }]);
    const result = await deliver([{ type: "fallback_batch", fallbacks: [fallback(second, traceId)] }]);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    // Delivered again, each is still stored once.
    await deliver([{ type: "fallback_batch", fallbacks: [fallback(second, traceId)] }]);

    const stored = await ctx.db().select().from(fallbackUses).where(eq(fallbackUses.traceId, traceId));
    expect(stored.map((row) => [row.workspaceId, row.slug]).sort()).toEqual([[first.workspaceId, first.slug], [second.workspaceId, second.slug]].sort());
    const serving = await getServing({ ctx, input: { workspaceId: second.workspaceId, ...inRange() } });
    expect(serving.fallback_slugs).toEqual([{ slug: second.slug, count: 1 }]);
    expect(await ctx.db().select().from(fallbackUses).where(and(eq(fallbackUses.workspaceId, first.workspaceId), eq(fallbackUses.traceId, traceId)))).toHaveLength(1);
    await ctx.dispose();
  });
});
