import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createMessageBatch } from "cloudflare:test";
import { newId, type EventBatchMessage, type ExposureBatchMessage } from "@xr2/shared";
import { consumeEvents } from "../../queue/consume-events.ts";
import { addPrompt } from "../../testing/fixtures.ts";
import { withContext, workspaceWith } from "../prompts/prompt-test-support.ts";

async function deliver(bodies: unknown[]) {
  await consumeEvents(createMessageBatch("xr2-events", bodies.map((body, index) => ({ id: `live-${index}`, timestamp: new Date(), attempts: 1, body }))), { ...env });
}

function exposures(workspaceId: string, prompt: { promptId: string; versionIds: string[] }, traceIds: string[]): ExposureBatchMessage {
  return {
    type: "exposure_batch",
    exposures: traceIds.map((trace_id) => ({
      trace_id,
      workspace_id: workspaceId,
      prompt_id: prompt.promptId,
      version_id: prompt.versionIds[0]!,
      environment: "production",
      source: null,
      variant: null,
      unit_id: null,
      api_key_id: null,
      latency_ms: 1,
      served_at: new Date().toISOString(),
    })),
  };
}

function events(workspaceId: string, traceIds: string[]): EventBatchMessage {
  return {
    type: "event_batch",
    workspace_id: workspaceId,
    api_key_id: null,
    received_at: new Date().toISOString(),
    events: traceIds.map((trace_id) => ({ event_id: newId("event"), trace_id, event_name: "signup", category: null, fields: {}, occurred_at: new Date().toISOString() })),
  };
}

describe("GET /api/analytics/live", () => {
  it("counts requests and events per minute, per prompt and for the workspace, each stored row once", async () => {
    const { owner, members } = await workspaceWith("viewer");
    const prompt = await withContext((ctx) => addPrompt(ctx, owner.workspaceId, ["v1"]));
    const [seen, alsoSeen, late] = [newId("trace"), newId("trace"), newId("trace")];
    const first = [exposures(owner.workspaceId, prompt, [seen, alsoSeen]), events(owner.workspaceId, [seen, late])];
    await deliver(first);
    await deliver(first); // redelivered: stores nothing, counts nothing

    const minuteOf = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();
    const askedIn = minuteOf(Date.now());
    const promptLive = await members[0].call("GET", `/api/analytics/live?prompt_id=${prompt.promptId}`);
    const answeredIn = minuteOf(Date.now());
    expect(promptLive.status, JSON.stringify(promptLive.body)).toBe(200);
    expect(promptLive.body!.minutes).toHaveLength(60);
    // The window ends with the minute the API read its clock in (the same as the test's, unless it turned meanwhile).
    expect([askedIn, answeredIn]).toContain(promptLive.body!.minutes.at(-1).minute);
    // The minute may have turned between storing and reading: sums over the window.
    const sum = (body: { minutes: Array<{ requests: number; events: number }> }) => body.minutes.reduce((total, minute) => ({ requests: total.requests + minute.requests, events: total.events + minute.events }), { requests: 0, events: 0 });
    expect(sum(promptLive.body as never)).toEqual({ requests: 2, events: 1 });
    expect(sum((await owner.call("GET", "/api/analytics/live")).body as never)).toEqual({ requests: 2, events: 2 });

    // The late exposure attributes the waiting event: it now counts under the prompt too.
    await deliver([exposures(owner.workspaceId, prompt, [late])]);
    expect(sum((await owner.call("GET", `/api/analytics/live?prompt_id=${prompt.promptId}`)).body as never)).toEqual({ requests: 3, events: 2 });
    expect(sum((await owner.call("GET", "/api/analytics/live")).body as never)).toEqual({ requests: 3, events: 2 });
  });

  it("answers 404 for another workspace's prompt and 400 for unknown parameters", async () => {
    const { owner } = await workspaceWith();
    const { owner: other } = await workspaceWith();
    const theirs = await withContext((ctx) => addPrompt(ctx, other.workspaceId, ["v1"]));
    expect((await owner.call("GET", `/api/analytics/live?prompt_id=${theirs.promptId}`)).status).toBe(404);
    expect((await owner.call("GET", "/api/analytics/live?minutes=5")).status).toBe(400);
  });
});
