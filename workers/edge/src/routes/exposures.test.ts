import { describe, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { and, eq, inArray } from "drizzle-orm";
import { events, exposures, fallbackUses } from "@xr2/db/schema";
import { exposuresResponseSchema, newId, QUEUE_LIMITS, SDK_LIMITS, type ExposureBatchMessage, type ExposureInput } from "@xr2/shared";
import { createEdgeApp } from "../app.ts";
import { createApiKey, createPublishedPrompt, database, newApiKey, pollUntil, startExperiment, type PublishedFixture } from "../testing/fixtures.ts";

function post(key: string | null, body: unknown, headers: Record<string, string> = {}) {
  return exports.default.fetch("http://edge.test/api/v1/exposures", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers, ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const queue = (env as unknown as { EVENTS_QUEUE: Queue<unknown> }).EVENTS_QUEUE;

/**
 * The edge app with the real queue binding, recording the exposure messages of every sendBatch
 * call (forwarded to the queue), or failing the call numbered `failCall` (0 is the first).
 */
async function postThroughRecordedQueue(key: string, body: unknown, opts: { failCall?: number } = {}) {
  const calls: Array<{ messages: ExposureBatchMessage[]; bytes: number }> = [];
  const recorded: Pick<Queue<unknown>, "send" | "sendBatch"> = {
    send: (message, options) => queue.send(message, options),
    sendBatch: async (messages, options) => {
      const exposureMessages = [...messages].map((message) => message.body as ExposureBatchMessage).filter((message) => message.type === "exposure_batch");
      if (exposureMessages.length > 0) {
        if (calls.length === opts.failCall) {
          calls.push({ messages: [], bytes: 0 });
          throw new Error("injected queue outage");
        }
        calls.push({ messages: exposureMessages, bytes: exposureMessages.reduce((sum, message) => sum + new TextEncoder().encode(JSON.stringify(message)).length, 0) });
      }
      return queue.sendBatch(messages, options);
    },
  };
  const ctx = createExecutionContext();
  const response = await createEdgeApp().fetch(
    new Request("http://edge.test/api/v1/exposures", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) }),
    { ...env, EVENTS_QUEUE: recorded },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { response, calls };
}

/** An exposure of the fixture's published version, as an SDK reports one it served from cache. */
function exposureOf(fixture: PublishedFixture, overrides: Partial<ExposureInput> = {}): ExposureInput {
  return { trace_id: newId("trace"), origin: "cache", slug: fixture.slug, prompt_id: fixture.promptId, version_id: fixture.versionId, environment: "production", served_at: new Date().toISOString(), ...overrides };
}

async function storedExposures(traceIds: string[]) {
  return pollUntil(() => database().select().from(exposures).where(inArray(exposures.traceId, traceIds)), (rows) => rows.length >= traceIds.length);
}

describe("POST /api/v1/exposures", () => {
  it("stores what an SDK served like get-prompt's own exposures, with its origin, once per trace id", async () => {
    const fixture = await createPublishedPrompt();
    const items = [
      exposureOf(fixture, { origin: "network", unit_id: "user-1", source: "checkout", latency_ms: 0.4 }),
      exposureOf(fixture, { origin: "stale", status: "error", error_code: "VALIDATION_FAILED" }),
    ];
    const response = await post(fixture.apiKey, { exposures: items });
    expect(response.status).toBe(202);
    const answer = exposuresResponseSchema.parse(await response.json());
    expect(answer.results).toEqual(items.map((item, index) => ({ index, trace_id: item.trace_id, accepted: true })));

    const rows = await storedExposures(items.map((item) => item.trace_id));
    const byTrace = new Map(rows.map((row) => [row.traceId, row]));
    expect(byTrace.get(items[0]!.trace_id)).toMatchObject({ workspaceId: fixture.workspaceId, promptId: fixture.promptId, versionId: fixture.versionId, origin: "network", unitId: "user-1", source: "checkout", apiKeyId: fixture.keyId, status: "success" });
    expect(byTrace.get(items[1]!.trace_id)).toMatchObject({ origin: "stale", status: "error", errorCode: "VALIDATION_FAILED" });

    // The same request again (a client retrying after a timeout) stores nothing more.
    expect((await post(fixture.apiKey, { exposures: items })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await database().select().from(exposures).where(inArray(exposures.traceId, items.map((item) => item.trace_id)))).toHaveLength(2);
  });

  it("stores a workspace's exposure whose trace id another workspace reported first, and attributes each one's events to its own", async () => {
    // A trace id seen in a log shared with another workspace, reported there before its owner's SDK does.
    const owner = await createPublishedPrompt();
    const other = await createPublishedPrompt();
    const traceId = newId("trace");
    const reportedFirst = exposureOf(other, { trace_id: traceId, origin: "network" });
    expect(exposuresResponseSchema.parse(await (await post(other.apiKey, { exposures: [reportedFirst] })).json()).results[0]).toMatchObject({ accepted: true });
    await storedExposures([traceId]);
    expect(exposuresResponseSchema.parse(await (await post(owner.apiKey, { exposures: [exposureOf(owner, { trace_id: traceId })] })).json()).results[0]).toMatchObject({ accepted: true });

    const ofWorkspace = (workspaceId: string) => database().select().from(exposures).where(and(eq(exposures.workspaceId, workspaceId), eq(exposures.traceId, traceId)));
    const [own] = await pollUntil(() => ofWorkspace(owner.workspaceId), (rows) => rows.length === 1);
    expect(own).toMatchObject({ promptId: owner.promptId, versionId: owner.versionId, origin: "cache", apiKeyId: owner.keyId });
    expect(await ofWorkspace(other.workspaceId)).toEqual([expect.objectContaining({ promptId: other.promptId, versionId: other.versionId, origin: "network", apiKeyId: other.keyId })]);

    // Each workspace's event on that trace id is attributed to its own workspace's exposure.
    const track = async (fixture: PublishedFixture, eventName: string) => {
      const response = await exports.default.fetch("http://edge.test/api/v1/events", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${fixture.apiKey}` },
        body: JSON.stringify({ trace_id: traceId, event_name: eventName }),
      });
      expect(response.status).toBe(202);
      return ((await response.json()) as { event_id: string }).event_id;
    };
    const [ownEvent, otherEvent] = [await track(owner, "purchase"), await track(other, "signup")];
    const attributed = (fixture: PublishedFixture, eventId: string) =>
      pollUntil(() => database().select().from(events).where(and(eq(events.workspaceId, fixture.workspaceId), eq(events.eventId, eventId))), (rows) => rows[0]?.promptId != null, 10_000);
    expect(await attributed(owner, ownEvent)).toEqual([expect.objectContaining({ eventName: "purchase", promptId: owner.promptId, versionId: owner.versionId })]);
    expect(await attributed(other, otherEvent)).toEqual([expect.objectContaining({ eventName: "signup", promptId: other.promptId, versionId: other.versionId })]);
  });

  it("refuses, item by item, a version or experiment of another workspace as unknown, and keeps the valid items", async () => {
    const fixture = await createPublishedPrompt();
    const other = await createPublishedPrompt();
    const { experimentId: otherExperiment, variants: otherVariants } = await startExperiment(other, [1, 1]);
    const valid = exposureOf(fixture);
    const items = [
      exposureOf(fixture, { prompt_id: other.promptId, version_id: other.versionId }),
      valid,
      exposureOf(fixture, { experiment_id: otherExperiment, variant: "control", version_id: fixture.versionId }),
      exposureOf(fixture, { version_id: otherVariants[1]!.versionId }),
    ];
    const answer = exposuresResponseSchema.parse(await (await post(fixture.apiKey, { exposures: items })).json());
    expect(answer.results.map((result) => [result.accepted, result.error?.code])).toEqual([
      [false, "NOT_FOUND"],
      [true, undefined],
      [false, "NOT_FOUND"],
      [false, "NOT_FOUND"],
    ]);
    await storedExposures([valid.trace_id]);
    const stored = await database().select().from(exposures).where(inArray(exposures.traceId, items.map((item) => item.trace_id)));
    expect(stored.map((row) => row.traceId)).toEqual([valid.trace_id]);
  });

  it("checks the prompt, the experiment's variant and the key's environment of each item", async () => {
    const fixture = await createPublishedPrompt();
    const sibling = await createPublishedPrompt();
    const { experimentId, treatmentVersionId } = await startExperiment(fixture, [1, 1]);
    const answer = exposuresResponseSchema.parse(
      await (
        await post(fixture.apiKey, {
          exposures: [
            exposureOf(fixture, { experiment_id: experimentId, variant: "treatment", version_id: treatmentVersionId, unit_id: "u1" }),
            exposureOf(fixture, { experiment_id: experimentId, variant: "treatment", unit_id: "u1" }),
            exposureOf(fixture, { experiment_id: experimentId, variant: "nobody", unit_id: "u1" }),
            exposureOf(fixture, { prompt_id: sibling.promptId }),
            exposureOf(fixture, { variant: "treatment" }),
            exposureOf(fixture, { trace_id: "tr_not_a_ulid" }),
            exposureOf(fixture, { served_at: "2020-01-01T00:00:00Z" }),
            { ...exposureOf(fixture), surprise: true },
            "not an object",
          ],
        })
      ).json(),
    );
    expect(answer.results.map((result) => result.accepted)).toEqual([true, false, false, false, false, false, false, false, false]);
    expect(answer.results.slice(1).map((result) => result.error?.code)).toEqual(Array(8).fill("VALIDATION_FAILED"));
    expect(answer.results[1]!.error!.message).toMatch(/does not serve version/);
    expect(answer.results[5]!.error!.message).toMatch(/trace_id/);

    const productionOnly = await createApiKey(fixture.workspaceId, newApiKey(), { environment: "production" });
    const staging = exposuresResponseSchema.parse(await (await post(productionOnly.apiKey, { exposures: [exposureOf(fixture, { environment: "staging" })] })).json());
    expect(staging.results[0]).toMatchObject({ accepted: false, error: { code: "VALIDATION_FAILED", message: expect.stringContaining("restricted to the production") } });
  });

  it("keeps the fallbacks an app served apart, by trace id, with nothing to attribute", async () => {
    const fixture = await createPublishedPrompt();
    const fallback = { trace_id: newId("trace"), origin: "fallback", slug: "not-in-xr2-yet", environment: "production", served_at: new Date().toISOString(), source: "checkout" } as const;
    const answer = exposuresResponseSchema.parse(await (await post(fixture.apiKey, { exposures: [fallback, { ...fallback, trace_id: newId("trace"), version_id: fixture.versionId }] })).json());
    expect(answer.results.map((result) => result.accepted)).toEqual([true, false]);
    const rows = await pollUntil(() => database().select().from(fallbackUses).where(inArray(fallbackUses.traceId, [fallback.trace_id])), (found) => found.length === 1);
    expect(rows[0]).toMatchObject({ workspaceId: fixture.workspaceId, slug: "not-in-xr2-yet", environment: "production", source: "checkout", apiKeyId: fixture.keyId });
  });

  it("stores a request at its size limit whose items take more than one queue message once queued", async () => {
    const fixture = await createPublishedPrompt();
    // Control characters are six bytes each in JSON: at the body limit, the queued items (which
    // also carry the workspace and key) pass the 128 KB one queue message holds.
    const item = () => exposureOf(fixture, { unit_id: "\u0001".repeat(128), source: "\u0002".repeat(64), status: "error", error_code: "E".repeat(64), served_at: "2026-12-06T09:00:00.123456+00:00" });
    const items = [item()];
    while (new TextEncoder().encode(JSON.stringify({ exposures: [...items, item()] })).length <= SDK_LIMITS.exposuresBodyBytes && items.length < SDK_LIMITS.exposuresPerBatch) items.push(item());
    const queued = items.map((exposure) => ({ ...exposure, workspace_id: fixture.workspaceId, api_key_id: fixture.keyId, variant: null, experiment_id: null, latency_ms: 0 }));
    expect(new TextEncoder().encode(JSON.stringify({ type: "exposure_batch", exposures: queued })).length).toBeGreaterThan(128 * 1024);
    const response = await post(fixture.apiKey, { exposures: items });
    expect(response.status, await response.clone().text()).toBe(202);
    expect(exposuresResponseSchema.parse(await response.json()).results.every((result) => result.accepted)).toBe(true);
    expect(await storedExposures(items.map((exposure) => exposure.trace_id))).toHaveLength(items.length);
  });

  it("queues a full request of exposures with the longest fields, each once, in calls the queue takes, and stores them all", async () => {
    const fixture = await createPublishedPrompt();
    const longest = () => exposureOf(fixture, { slug: "s".repeat(128), unit_id: "u".repeat(128), source: "s".repeat(64), status: "error", error_code: "E".repeat(64), served_at: "2026-12-06T09:00:00.123456+00:00", latency_ms: 1.2345678901234567e-7 });
    const items = Array.from({ length: SDK_LIMITS.exposuresPerBatch }, longest);
    expect(items).toHaveLength(500);
    const { response, calls } = await postThroughRecordedQueue(fixture.apiKey, { exposures: items });
    expect(response.status, await response.clone().text()).toBe(202);
    expect(exposuresResponseSchema.parse(await response.json()).results.every((result) => result.accepted)).toBe(true);

    // More than one sendBatch call (the queued exposures pass 256 KB), each within the queue's limits.
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) {
      expect(call.messages.length).toBeLessThanOrEqual(QUEUE_LIMITS.sendBatchMessages);
      expect(call.bytes).toBeLessThanOrEqual(256 * 1024);
      for (const message of call.messages) {
        expect(message.exposures.length).toBeLessThanOrEqual(QUEUE_LIMITS.exposuresPerMessage);
        expect(new TextEncoder().encode(JSON.stringify(message)).length).toBeLessThanOrEqual(128 * 1024);
      }
    }
    const queued = calls.flatMap((call) => call.messages.flatMap((message) => message.exposures.map((exposure) => exposure.trace_id)));
    expect(queued).toEqual(items.map((item) => item.trace_id));
    expect(await storedExposures(queued)).toHaveLength(500);
  });

  it("answers 503 when a later part cannot be queued, and the client's retry of the whole request stores each exposure once", async () => {
    const fixture = await createPublishedPrompt();
    const items = Array.from({ length: SDK_LIMITS.exposuresPerBatch }, () => exposureOf(fixture, { unit_id: "u".repeat(128), source: "s".repeat(64) }));
    const failed = await postThroughRecordedQueue(fixture.apiKey, { exposures: items }, { failCall: 1 });
    expect(failed.response.status).toBe(503);
    expect(failed.calls[0]!.messages.length).toBeGreaterThan(0); // the first part was queued before the failure

    const retried = await postThroughRecordedQueue(fixture.apiKey, { exposures: items });
    expect(retried.response.status).toBe(202);
    const traceIds = items.map((item) => item.trace_id);
    expect(await storedExposures(traceIds)).toHaveLength(500);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await database().select().from(exposures).where(inArray(exposures.traceId, traceIds))).toHaveLength(500);
  });

  it("refuses a body over its byte limit with 413", async () => {
    const fixture = await createPublishedPrompt();
    // Few exposures, padded with spacing the JSON allows: the byte limit, not the count, refuses it.
    const body = `{"exposures": [${JSON.stringify(exposureOf(fixture))}]${" ".repeat(SDK_LIMITS.exposuresBodyBytes)}}`;
    const response = await post(fixture.apiKey, body);
    expect(response.status).toBe(413);
    expect(SDK_LIMITS.exposuresBodyBytes).toBeLessThanOrEqual(512 * 1024);
  });

  it("refuses a served_at with more than microseconds, which would only bloat the queue", async () => {
    const fixture = await createPublishedPrompt();
    const answer = exposuresResponseSchema.parse(await (await post(fixture.apiKey, { exposures: [exposureOf(fixture, { served_at: `2026-12-06T09:00:00.${"1".repeat(1000)}Z` })] })).json());
    expect(answer.results[0]).toMatchObject({ accepted: false, error: { code: "VALIDATION_FAILED", message: expect.stringContaining("served_at") } });
  });

  it("answers bad requests with clear 4xx errors", async () => {
    const fixture = await createPublishedPrompt();
    expect((await post(null, { exposures: [exposureOf(fixture)] })).status).toBe(401);
    const eventsOnly = await createApiKey(fixture.workspaceId, newApiKey(), { scopes: ["events:write"] });
    expect((await post(eventsOnly.apiKey, { exposures: [exposureOf(fixture)] })).status).toBe(403);
    expect((await post(fixture.apiKey, "{not json")).status).toBe(400);
    expect((await post(fixture.apiKey, { exposures: [] })).status).toBe(400);
    expect((await post(fixture.apiKey, { items: [] })).status).toBe(400);
    const tooMany = await post(fixture.apiKey, { exposures: Array.from({ length: SDK_LIMITS.exposuresPerBatch + 1 }, () => exposureOf(fixture)) });
    expect(tooMany.status).toBe(413);
    expect((await post(fixture.apiKey, { exposures: [exposureOf(fixture)] }, { "content-type": "text/plain" })).status).toBe(415);
  });
});
