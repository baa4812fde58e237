/**
 * Alert evaluation on real rows: exposures and events are planted, the aggregation job rolls
 * them into hourly stats, and rules are judged on those. The times are hours of a future day,
 * passed as `now`: the scheduled job other test files trigger judges rules at the real time,
 * which is earlier, so it leaves these rules alone (a rule is never evaluated back in time).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { alertEvents, alertRules, events, exposures, webhookEvents, type NewExposure } from "@xr2/db/schema";
import { newId, parseEnv, WEBHOOK_PAYLOAD_SCHEMAS } from "@xr2/shared";
import { signDelivery } from "../../../../../local/qstash/signing.ts";
import { apiEnvSchema } from "../../env.ts";
import { call } from "../../testing/http.ts";
import { createPrompt, createVersion, withContext, workspaceWith, type Actor } from "../../routes/prompts/prompt-test-support.ts";
import { runAggregation } from "../aggregation/run-aggregation.ts";
import { evaluateAlerts } from "./evaluate-alerts.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const T0 = Date.parse("2031-05-01T10:00:00Z");
const at = (ms: number) => new Date(ms);

/** Aggregates the workspace's planted rows until nothing of it is left. */
async function aggregate(workspaceId: string) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const report = await withContext((ctx) => runAggregation({ ctx, input: { workspaceIds: [workspaceId] } }));
    if (!report.more) return;
  }
  throw new Error("the aggregation still reported more after 50 calls");
}

function evaluate(workspaceId: string, now: number) {
  return withContext((ctx) => evaluateAlerts({ ctx, input: { now: at(now), workspaceIds: [workspaceId] } }));
}

/** `count` exposures served in the hour starting at `hour`, the first `errors` of them failed. */
function served(workspaceId: string, promptId: string, hour: number, count: number, errors: number, fields: Partial<NewExposure> = {}): NewExposure[] {
  return Array.from({ length: count }, (_, index) => ({
    traceId: newId("trace"),
    workspaceId,
    promptId,
    versionId: "pv_planted",
    environment: "production" as const,
    latencyMs: 20,
    status: index < errors ? ("error" as const) : ("success" as const),
    servedAt: at(hour + 5 * MINUTE + index * MINUTE),
    ...fields,
  }));
}

async function plant(rows: NewExposure[]) {
  await withContext((ctx) => ctx.db().insert(exposures).values(rows));
}

async function createRule(as: Actor, body: Record<string, unknown>): Promise<string> {
  const response = await as.call("POST", "/api/alerts", body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body!.id as string;
}

async function historyOf(ruleId: string) {
  return withContext((ctx) => ctx.db().select().from(alertEvents).where(eq(alertEvents.ruleId, ruleId)).orderBy(asc(alertEvents.occurredAt)));
}

describe("alert evaluation", () => {
  it("fires an error-rate rule once when planted errors cross it, stays firing silently, and resolves once when they stop", async () => {
    const { owner, members } = await workspaceWith("viewer");
    const prompt = await createPrompt(owner);
    const ruleId = await createRule(owner, { name: "Errors", metric: "error_rate", threshold: 0.2, prompt_id: prompt.id, environment: "production", min_requests: 5 });
    // The same condition on staging, where nothing fails: it never fires.
    const stagingId = await createRule(owner, { name: "Staging errors", metric: "error_rate", threshold: 0.2, prompt_id: prompt.id, environment: "staging", min_requests: 5 });
    await plant(served(owner.workspaceId, prompt.id, T0, 10, 0, { environment: "staging" }));

    expect(await evaluate(owner.workspaceId, T0 + 30 * MINUTE)).toEqual({ evaluated: 2, fired: 0, resolved: 0, failed: 0 });

    // 4 errors in 10 production requests: 40 % > 20 %. Two overlapping evaluations fire it once.
    await plant(served(owner.workspaceId, prompt.id, T0, 10, 4));
    await aggregate(owner.workspaceId);
    const overlapping = await Promise.all([evaluate(owner.workspaceId, T0 + 30 * MINUTE), evaluate(owner.workspaceId, T0 + 30 * MINUTE)]);
    expect(overlapping[0]!.fired + overlapping[1]!.fired).toBe(1);
    let history = await historyOf(ruleId);
    expect(history.map((row) => [row.kind, row.value, row.threshold, row.occurredAt.toISOString()])).toEqual([["fired", 0.4, 0.2, at(T0 + 30 * MINUTE).toISOString()]]);
    expect(await historyOf(stagingId)).toEqual([]);

    // Still true later in the hour: no second notification.
    expect(await evaluate(owner.workspaceId, T0 + 45 * MINUTE)).toMatchObject({ evaluated: 2, fired: 0, resolved: 0 });
    expect(await historyOf(ruleId)).toHaveLength(1);
    const firing = await owner.call("GET", `/api/alerts/${ruleId}`);
    expect(firing.body).toMatchObject({ state: "firing", last_value: 0.4, last_fired_at: at(T0 + 30 * MINUTE).toISOString(), last_evaluated_at: at(T0 + 45 * MINUTE).toISOString(), last_resolved_at: null });

    // The next hour serves without errors: the one-hour window no longer holds them.
    await plant(served(owner.workspaceId, prompt.id, T0 + HOUR, 10, 0));
    await aggregate(owner.workspaceId);
    expect(await evaluate(owner.workspaceId, T0 + HOUR + 30 * MINUTE)).toMatchObject({ fired: 0, resolved: 1 });
    expect(await evaluate(owner.workspaceId, T0 + HOUR + 40 * MINUTE)).toMatchObject({ fired: 0, resolved: 0 });
    // A late run with an older clock does not undo the verdict.
    expect(await evaluate(owner.workspaceId, T0 + 30 * MINUTE)).toEqual({ evaluated: 0, fired: 0, resolved: 0, failed: 0 });
    history = await historyOf(ruleId);
    expect(history.map((row) => [row.kind, row.value])).toEqual([
      ["fired", 0.4],
      ["resolved", 0],
    ]);

    const rule = (await owner.call("GET", `/api/alerts/${ruleId}`)).body!;
    expect(rule).toMatchObject({ state: "ok", last_value: 0, last_resolved_at: at(T0 + HOUR + 30 * MINUTE).toISOString() });
    // What the site shows, newest first; a Viewer reads it too.
    const [viewer] = members;
    const notifications = await viewer.call("GET", "/api/notifications");
    expect(notifications.status).toBe(200);
    expect(notifications.body!.events.map((event: Record<string, unknown>) => [event.rule_id, event.rule_name, event.kind, event.value, event.threshold])).toEqual([
      [ruleId, "Errors", "resolved", 0, 0.2],
      [ruleId, "Errors", "fired", 0.4, 0.2],
    ]);
    const firstPage = await viewer.call("GET", `/api/alerts/${ruleId}/history?limit=1`);
    expect(firstPage.body!.events.map((event: { kind: string }) => event.kind)).toEqual(["resolved"]);
    const secondPage = await viewer.call("GET", `/api/alerts/${ruleId}/history?limit=1&cursor=${firstPage.body!.next_cursor}`);
    expect(secondPage.body).toMatchObject({ events: [{ kind: "fired", occurred_at: at(T0 + 30 * MINUTE).toISOString() }], next_cursor: null });
  });

  it("judges workspace-wide latency and cost per day, and stops judging a disabled rule", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const latencyId = await createRule(owner, { name: "Slow", metric: "latency_p95", threshold: 500 });
    const costId = await createRule(owner, { name: "Spend", metric: "cost_per_day", threshold: 10 });
    const rows = served(owner.workspaceId, prompt.id, T0, 10, 0, { latencyMs: 900, environment: "staging" });
    await plant(rows);
    // $0.25 in the hour is $6 a day: under the $10 threshold.
    await withContext((ctx) =>
      ctx.db().insert(events).values({ workspaceId: owner.workspaceId, eventId: newId("event"), traceId: rows[0]!.traceId, eventName: "llm_call", fields: { cost_usd: 0.25 }, occurredAt: at(T0 + 20 * MINUTE) }),
    );
    await aggregate(owner.workspaceId);
    expect(await evaluate(owner.workspaceId, T0 + 30 * MINUTE)).toMatchObject({ evaluated: 2, fired: 1 });
    expect((await historyOf(latencyId)).map((row) => [row.kind, row.value])).toEqual([["fired", 900]]);
    expect((await owner.call("GET", `/api/alerts/${costId}`)).body).toMatchObject({ state: "ok", last_value: 6 });

    // $1 more in the hour: $30 a day.
    await withContext((ctx) =>
      ctx.db().insert(events).values({ workspaceId: owner.workspaceId, eventId: newId("event"), traceId: rows[1]!.traceId, eventName: "llm_call", fields: { cost_usd: 1 }, occurredAt: at(T0 + 25 * MINUTE) }),
    );
    await aggregate(owner.workspaceId);
    expect(await evaluate(owner.workspaceId, T0 + 40 * MINUTE)).toMatchObject({ fired: 1 });
    expect((await historyOf(costId)).map((row) => [row.kind, row.value])).toEqual([["fired", 30]]);

    // Disabled: back to ok without a notification, and no longer evaluated.
    const disabled = await owner.call("PATCH", `/api/alerts/${latencyId}`, { enabled: false });
    expect(disabled.body).toMatchObject({ enabled: false, state: "ok" });
    expect(await evaluate(owner.workspaceId, T0 + 50 * MINUTE)).toMatchObject({ evaluated: 1 });
    expect(await historyOf(latencyId)).toHaveLength(1);
  });

  it("fires when requests drop against the window before, and on a running experiment's sample-ratio mismatch until it stops", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const v1 = await createVersion(owner, prompt.id, { content: "Hello {name}" });
    const v2 = await createVersion(owner, prompt.id, { content: "Hi {name}" });
    expect((await owner.call("PUT", `/api/prompts/${prompt.id}/versions/${v1.id}/publish`, { environment: "production" })).status).toBe(200);
    expect((await owner.call("PUT", `/api/prompts/${prompt.id}/versions/${v2.id}/publish`, { environment: "staging" })).status).toBe(200);
    const experiment = await owner.call("POST", "/api/experiments", { prompt_id: prompt.id, environment: "production", name: "Split", primary_event: "signup", variants: [{ version_id: v1.id, weight: 50 }, { version_id: v2.id, weight: 50 }] });
    expect(experiment.status, JSON.stringify(experiment.body)).toBe(201);
    const experimentId = experiment.body!.id as string;
    const [control, treatment] = (experiment.body!.variants as Array<{ key: string }>).map((variant) => variant.key);
    expect((await owner.call("POST", `/api/experiments/${experimentId}/start`)).status).toBe(200);

    const dropId = await createRule(owner, { name: "Traffic fell", metric: "requests_drop", threshold: 0.5, prompt_id: prompt.id, min_requests: 10 });
    const srmId = await createRule(owner, { name: "Split broken", metric: "srm", threshold: 0.001, prompt_id: prompt.id, min_requests: 50 });
    // 20 requests in T0, 5 in the hour after: 75 % fewer. The split is 75 to 20 units where 50/50 was asked.
    const split = (key: string, index: number): Partial<NewExposure> => ({ experimentId, variant: key, unitId: `unit-${key}-${index}` });
    await plant([
      ...served(owner.workspaceId, prompt.id, T0, 20, 0).map((row, index) => ({ ...row, ...split(control!, index) })),
      ...served(owner.workspaceId, prompt.id, T0 + HOUR, 5, 0).map((row, index) => ({ ...row, ...split(treatment!, index) })),
      ...served(owner.workspaceId, prompt.id, T0 - 2 * HOUR, 55, 0).map((row, index) => ({ ...row, ...split(control!, 100 + index) })),
      ...served(owner.workspaceId, prompt.id, T0 - 3 * HOUR, 15, 0).map((row, index) => ({ ...row, ...split(treatment!, 100 + index) })),
    ]);
    await aggregate(owner.workspaceId);

    expect(await evaluate(owner.workspaceId, T0 + 2 * HOUR + 10 * MINUTE)).toMatchObject({ evaluated: 2, fired: 2 });
    expect((await historyOf(dropId)).map((row) => [row.kind, row.value])).toEqual([["fired", 0.75]]);
    const [srm] = await historyOf(srmId);
    expect(srm).toMatchObject({ kind: "fired", experimentId });
    // 75 against 20 units, 47.5 expected each: χ² = 2 × 27.5² / 47.5 ≈ 31.84 on 1 degree of freedom, p ≈ 1.67e-8.
    expect(srm!.value!).toBeCloseTo(1.67e-8, 9);
    // The outbox holds experiment.srm_detected as documented: the experiment, its prompt and the units per variant.
    const [detected] = await withContext((ctx) => ctx.db().select().from(webhookEvents).where(and(eq(webhookEvents.workspaceId, owner.workspaceId), eq(webhookEvents.type, "experiment.srm_detected"))));
    expect(WEBHOOK_PAYLOAD_SCHEMAS["experiment.srm_detected"].safeParse(detected!.data).success, JSON.stringify(detected!.data)).toBe(true);
    expect(detected!.data).toMatchObject({ experiment: { id: experimentId, name: "Split", primary_event: "signup" }, prompt: { id: prompt.id }, environment: "production", actor: null });
    expect((detected!.data as { variants: Array<{ key: string; units: number }> }).variants.map((variant) => [variant.key, variant.units])).toEqual([
      [control, 75],
      [treatment, 20],
    ]);

    expect((await owner.call("POST", `/api/experiments/${experimentId}/stop`)).status).toBe(200);
    expect(await evaluate(owner.workspaceId, T0 + 2 * HOUR + 20 * MINUTE)).toMatchObject({ fired: 0, resolved: 1 });
    expect((await historyOf(srmId)).map((row) => [row.kind, row.value])).toEqual([
      ["fired", srm!.value],
      ["resolved", null],
    ]);
  });

  it("compares a named event's conversion rate with its trailing baseline, counting only the rule's prompt", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const elsewhere = await createPrompt(owner);
    const ruleId = await createRule(owner, { name: "Fewer sign-ups", metric: "conversion_rate", threshold: -0.5, window_minutes: 60, baseline_window_minutes: 180, event_name: "signup", prompt_id: prompt.id, min_requests: 5 });
    const baseline = served(owner.workspaceId, prompt.id, T0 - 3 * HOUR, 30, 0);
    const window = served(owner.workspaceId, prompt.id, T0, 10, 0);
    const other = served(owner.workspaceId, elsewhere.id, T0, 10, 0);
    await plant([...baseline, ...window, ...other]);
    const signup = (row: NewExposure, name = "signup") => ({ workspaceId: owner.workspaceId, eventId: newId("event"), traceId: row.traceId, eventName: name, fields: {}, occurredAt: at(row.servedAt.getTime() + MINUTE) });
    await withContext((ctx) =>
      ctx
        .db()
        .insert(events)
        .values([
          // 15 sign-ups of 30 requests in the baseline; 1 of 10 in the window, where the other
          // prompt's sign-ups and the prompt's clicks do not count.
          ...baseline.slice(0, 15).map((row) => signup(row)),
          signup(window[0]!),
          ...window.slice(1, 9).map((row) => signup(row, "click")),
          ...other.map((row) => signup(row)),
        ]),
    );
    await aggregate(owner.workspaceId);
    expect(await evaluate(owner.workspaceId, T0 + 30 * MINUTE)).toMatchObject({ evaluated: 1, fired: 1 });
    const [fired] = await historyOf(ruleId);
    // 10 % against 50 %: 80 % lower.
    expect(fired!.value).toBeCloseTo(-0.8, 10);
  });

  it("is run by the scheduled aggregation job after it aggregates", async () => {
    const { owner } = await workspaceWith();
    const ruleId = await createRule(owner, { name: "Errors", metric: "error_rate", threshold: 0.5 });
    const testEnv = parseEnv(apiEnvSchema, env);
    const readRule = async () => (await withContext((ctx) => ctx.db().select().from(alertRules).where(eq(alertRules.id, ruleId))))[0]!;
    // Never evaluated, so among the first in line; other files' rules may take a run's turns first.
    for (let run = 0; run < 5 && (await readRule()).lastEvaluatedAt === null; run++) {
      const signature = await signDelivery(testEnv.QSTASH_CURRENT_SIGNING_KEY, "http://api.test/api/jobs/aggregate", new TextEncoder().encode(""));
      const response = await call("POST", "/api/jobs/aggregate", { rawBody: "", headers: { "upstash-signature": signature } });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body!.alerts).toEqual({ evaluated: expect.any(Number), fired: expect.any(Number), resolved: expect.any(Number), failed: expect.any(Number) });
    }
    // Nothing served, so nothing to judge.
    expect(await readRule()).toMatchObject({ lastEvaluatedAt: expect.any(Date), state: "ok", lastValue: null });
  });
});
