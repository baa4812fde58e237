import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { eq, inArray } from "drizzle-orm";
import { exposures } from "@xr2/db/schema";
import { newId, type ExposureMessage } from "@xr2/shared";
import { createPromptFixture, testContext } from "../testing/fixtures.ts";
import { consumeEvents } from "./consume-events.ts";

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
  const batch = createMessageBatch("xr2-events", bodies.map((body, index) => ({ id: `msg-${index}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await consumeEvents(batch, { ...env, ...overrides });
  return getQueueResult(batch, ctx);
}

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
    const strip = ({ type: _type, ...rest }: ExposureMessage) => rest;
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
