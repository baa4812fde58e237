import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { inArray } from "drizzle-orm";
import { exposures } from "@xr2/db/schema";
import { newId, QUEUE_LIMITS, type Exposure } from "@xr2/shared";
import { createPublishedPrompt, database, pollUntil } from "../testing/fixtures.ts";
import { bufferExposure } from "./exposure-buffer.ts";

const queue = (env as unknown as { EVENTS_QUEUE: Queue<unknown> }).EVENTS_QUEUE;

/** The real queue binding, recording the size of each message sent through it. */
function countingQueue(fail = false) {
  const sent: number[] = [];
  const target: Pick<Queue<unknown>, "send"> = {
    send: async (body, options) => {
      if (fail) throw new Error("queue unavailable");
      sent.push((body as { exposures: unknown[] }).exposures.length);
      return queue.send(body, options);
    },
  };
  return { sent, queue: target };
}

function exposureOf(fixture: { workspaceId: string; promptId: string; versionId: string }): Exposure {
  return {
    trace_id: newId("trace"),
    workspace_id: fixture.workspaceId,
    prompt_id: fixture.promptId,
    version_id: fixture.versionId,
    environment: "production",
    source: "buffer-test",
    variant: null,
    experiment_id: null,
    unit_id: null,
    api_key_id: null,
    latency_ms: 1,
    served_at: new Date().toISOString(),
    status: "success",
    error_code: null,
  };
}

async function storedCount(traceIds: string[]): Promise<number> {
  return (await database().select({ traceId: exposures.traceId }).from(exposures).where(inArray(exposures.traceId, traceIds))).length;
}

describe("exposure buffer", () => {
  it("sends the exposures of a burst of requests as one queue message, and every one is stored", async () => {
    const fixture = await createPublishedPrompt();
    const { sent, queue: counting } = countingQueue();
    const contexts = Array.from({ length: 30 }, () => createExecutionContext());
    const burst = contexts.map((ctx) => {
      const exposure = exposureOf(fixture);
      bufferExposure({ queue: counting, waitUntil: (promise) => ctx.waitUntil(promise) }, exposure);
      return exposure.trace_id;
    });
    await Promise.all(contexts.map((ctx) => waitOnExecutionContext(ctx)));

    expect(sent).toEqual([30]);
    expect(await pollUntil(() => storedCount(burst), (count) => count === 30)).toBe(30);
  });

  it("sends a full buffer at once, in messages of at most the queue limit", async () => {
    const fixture = await createPublishedPrompt();
    const { sent, queue: counting } = countingQueue();
    const ctx = createExecutionContext();
    const total = QUEUE_LIMITS.exposuresPerMessage * 2 + 7;
    const traceIds: string[] = [];
    for (let index = 0; index < total; index++) {
      const exposure = exposureOf(fixture);
      traceIds.push(exposure.trace_id);
      bufferExposure({ queue: counting, waitUntil: (promise) => ctx.waitUntil(promise) }, exposure);
    }
    await waitOnExecutionContext(ctx);

    expect(sent).toEqual([QUEUE_LIMITS.exposuresPerMessage, QUEUE_LIMITS.exposuresPerMessage, 7]);
    expect(await pollUntil(() => storedCount(traceIds), (count) => count === total)).toBe(total);
  });

  it("does not throw into the request when the queue refuses a batch, and keeps buffering afterwards", async () => {
    const fixture = await createPublishedPrompt();
    const failing = countingQueue(true);
    const ctx = createExecutionContext();
    bufferExposure({ queue: failing.queue, waitUntil: (promise) => ctx.waitUntil(promise) }, exposureOf(fixture));
    await expect(waitOnExecutionContext(ctx)).resolves.toBeUndefined();

    const working = countingQueue();
    const next = createExecutionContext();
    const exposure = exposureOf(fixture);
    bufferExposure({ queue: working.queue, waitUntil: (promise) => next.waitUntil(promise) }, exposure);
    await waitOnExecutionContext(next);
    expect(working.sent).toEqual([1]);
    expect(await pollUntil(() => storedCount([exposure.trace_id]), (count) => count === 1)).toBe(1);
  });
});
