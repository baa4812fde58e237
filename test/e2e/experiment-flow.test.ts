/**
 * An A/B experiment end to end on the whole local stack (A6): a PM starts an experiment over
 * HTTP; real get-prompt calls with a unit_id get a variant from the edge; the exposures travel
 * through the queue consumer into Postgres with variant, experiment and version; an event the
 * app sends to the edge with a returned trace_id counts as a conversion of that variant, in the
 * experiment's results, in the prompt's funnel and, once aggregated, in its stats.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createHttpDb } from "../../db/client.ts";
import type { LocalStack } from "../../local/stack.ts";
import { apiClient, until } from "../support/http-client.ts";
import { startTestStack } from "../support/test-stack.ts";

let stack: LocalStack;
let stopStack: () => Promise<void>;

beforeAll(async () => {
  ({ stack, stop: stopStack } = await startTestStack());
}, 120_000);

afterAll(async () => {
  await stopStack?.();
});

const api = apiClient(() => stack.urls.api);

async function getPrompt(slug: string, apiKey: string, query: string) {
  const response = await fetch(`${stack.urls.edge}/api/v1/get-prompt/${slug}${query}`, { headers: { authorization: `Bearer ${apiKey}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { version_id: string; content: string; trace_id: string; variant?: string };
}

describe("A/B experiment, over HTTP", () => {
  it("start → get-prompt with unit_id → exposure with variant → event on its trace → conversion of that variant", async () => {
    const session = await api("POST", "/api/auth/register", { body: { email: `pm-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Pat" } });
    const token = session.body.access_token as string;
    const workspace = await api("POST", "/api/workspaces", { token, body: { name: "Growth" } });
    const ws = { token, workspaceId: workspace.body.id as string };
    const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug: "welcome", name: "Welcome" } });
    const v1 = await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content: "Hello, {name}." } });
    const v2 = await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content: "Hey {name}!" } });
    expect((await api("PUT", `/api/prompts/${prompt.body.id}/versions/${v1.body.id}/publish`, { ...ws, body: { environment: "production" } })).status).toBe(200);
    expect((await api("PUT", `/api/prompts/${prompt.body.id}/versions/${v2.body.id}/publish`, { ...ws, body: { environment: "staging" } })).status).toBe(200);
    const key = (await api("POST", "/api/product-api-keys", { ...ws, body: { name: "web" } })).body.key as string;
    // The edge serves (and caches) the published version before the experiment exists.
    expect((await getPrompt("welcome", key, "?unit_id=warm-up&var.name=Ann")).variant).toBeUndefined();

    const experiment = await api("POST", "/api/experiments", {
      ...ws,
      body: { prompt_id: prompt.body.id, environment: "production", name: "Friendlier greeting", primary_event: "signup", variants: [{ version_id: v1.body.id, weight: 1 }, { version_id: v2.body.id, weight: 1 }] },
    });
    expect(experiment.status, JSON.stringify(experiment.body)).toBe(201);
    expect((await api("POST", `/api/experiments/${experiment.body.id}/start`, ws)).status).toBe(200);

    // The start reaches the edge once its isolate cache expires.
    const first = await until(5_000, () => getPrompt("welcome", key, "?unit_id=unit-0&var.name=Ann"), (body) => body.variant !== undefined);
    expect(first.variant).toMatch(/^(control|variant_1)$/);
    const served: Array<{ unit: string; variant: string; versionId: string; traceId: string; content: string }> = [];
    for (let index = 0; index < 24; index++) {
      const unit = `unit-${index}`;
      const body = await getPrompt("welcome", key, `?unit_id=${unit}&var.name=Ann`);
      served.push({ unit, variant: body.variant!, versionId: body.version_id, traceId: body.trace_id, content: body.content });
    }
    for (const answer of served) {
      expect(answer.versionId).toBe(answer.variant === "control" ? v1.body.id : v2.body.id);
      expect(answer.content).toBe(answer.variant === "control" ? "Hello, Ann." : "Hey Ann!");
    }
    // unit-0 was served twice (the poll and the loop): the same variant both times.
    expect(served[0]!.variant).toBe(first.variant);
    const byVariant = (variant: string) => served.filter((answer) => answer.variant === variant);
    const controlUnits = byVariant("control").length;
    const treatmentUnits = byVariant("variant_1").length;
    expect(controlUnits + treatmentUnits).toBe(24);

    // Exposures arrive through the queue consumer; the results count them per variant.
    const exposed = await until(
      10_000,
      () => api("GET", `/api/analytics/experiments/${experiment.body.id}`, ws),
      (results) => results.body.variants?.reduce((sum: number, variant: { exposures: number }) => sum + variant.exposures, 0) === 25,
    );
    expect(exposed.status).toBe(200);
    const exposures = (variant: string) => (variant === first.variant ? 1 : 0) + byVariant(variant).length;
    expect(exposed.body.variants.map((variant: { key: string; exposures: number; units: number; conversions: number }) => [variant.key, variant.exposures, variant.units, variant.conversions])).toEqual([
      ["control", exposures("control"), controlUnits, 0],
      ["variant_1", exposures("variant_1"), treatmentUnits, 0],
    ]);

    // A signup on the trace of the last unit's answer converts that unit in its variant.
    const converting = served.at(-1)!;
    const sent = await fetch(`${stack.urls.edge}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ trace_id: converting.traceId, event_name: "signup", category: "conversion", fields: { plan: "free" } }),
    });
    expect(sent.status, await sent.clone().text()).toBe(202);
    const converted = await until(
      10_000,
      () => api("GET", `/api/analytics/experiments/${experiment.body.id}`, ws),
      (results) => results.body.variants?.some((variant: { conversions: number }) => variant.conversions > 0),
    );
    const row = converted.body.variants.find((variant: { key: string }) => variant.key === converting.variant);
    const other = converted.body.variants.find((variant: { key: string }) => variant.key !== converting.variant);
    expect(row).toMatchObject({ version_id: converting.versionId, conversions: 1, conversion_rate: 1 / byVariant(converting.variant).length });
    expect(other.conversions).toBe(0);
    expect(converted.body.srm_p_value).toBeGreaterThan(0);

    // The same conversion in the prompt's funnel, under the version that served it…
    const range = `from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    const funnel = await api("GET", `/api/analytics/funnels?prompt_id=${prompt.body.id}&steps=signup&${range}`, ws);
    expect(funnel.status, JSON.stringify(funnel.body)).toBe(200);
    const signups = (versionId: string) => funnel.body.versions.find((version: { version_id: string }) => version.version_id === versionId)?.steps[1]?.count ?? 0;
    expect(signups(converting.versionId)).toBe(1);
    expect(signups(converting.versionId === v1.body.id ? v2.body.id : v1.body.id)).toBe(0);

    // …and in its stats once the aggregation has run (as a platform admin would run it now).
    const { db } = createHttpDb({ databaseUrl: stack.urls.database, localEndpoint: stack.urls.neonEndpoint ?? undefined });
    await db.execute(sql`update users set is_platform_admin = true where id = ${session.body.user.id}`);
    const aggregated = await api("POST", "/api/admin/jobs/aggregate", { token, body: { workspace_ids: [ws.workspaceId] } });
    expect(aggregated.status, JSON.stringify(aggregated.body)).toBe(200);
    const stats = await api("GET", `/api/analytics/prompt-stats?prompt_id=${prompt.body.id}&granularity=hour&${range}`, ws);
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    const statsOf = (versionId: string) => stats.body.versions.find((version: { version_id: string }) => version.version_id === versionId);
    expect(statsOf(converting.versionId)).toMatchObject({ events: 1, conversions: 1 });
    expect(statsOf(converting.versionId === v1.body.id ? v2.body.id : v1.body.id)).toMatchObject({ conversions: 0 });
    // v2 is served only as the experiment's treatment (v1 also before the experiment reached the edge).
    expect(statsOf(v2.body.id).requests).toBe(exposures("variant_1"));

    // Stopped: everyone gets the published version again, without a variant.
    expect((await api("POST", `/api/experiments/${experiment.body.id}/stop`, ws)).status).toBe(200);
    const after = await until(5_000, () => getPrompt("welcome", key, "?unit_id=unit-1&var.name=Ann"), (body) => body.variant === undefined);
    expect(after).toMatchObject({ version_id: v1.body.id, content: "Hello, Ann." });
    expect(after.variant).toBeUndefined();
  });
});
