import { describe, expect, it } from "vitest";
import { compareToControl, sampleRatioMismatch } from "@xr2/shared";
import { createPrompt, createVersion, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";
import { download, insertEvents, insertExposures, parseCsv } from "./analytics-test-support.ts";

/** A prompt with v1 in production and v2 in staging, and a running two-variant experiment on production. */
async function runningExperiment(as: Actor, opts: { start?: boolean } = {}) {
  const prompt = await createPrompt(as);
  const v1 = await createVersion(as, prompt.id, { content: "Hello {name}" });
  const v2 = await createVersion(as, prompt.id, { content: "Hi {name}!" });
  expect((await as.call("PUT", `/api/prompts/${prompt.id}/versions/${v1.id}/publish`, { environment: "production" })).status).toBe(200);
  expect((await as.call("PUT", `/api/prompts/${prompt.id}/versions/${v2.id}/publish`, { environment: "staging" })).status).toBe(200);
  const created = await as.call("POST", "/api/experiments", {
    prompt_id: prompt.id,
    environment: "production",
    name: "Greeting",
    primary_event: "purchase",
    variants: [
      { version_id: v1.id, weight: 1 },
      { version_id: v2.id, weight: 1 },
    ],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body!.id as string;
  if (opts.start !== false) expect((await as.call("POST", `/api/experiments/${id}/start`)).status).toBe(200);
  return { promptId: prompt.id, versionIds: [v1.id, v2.id] as const, id };
}

/** Exposures of units in a variant (one per entry; repeat a unit for several), served a minute apart. */
async function expose(as: Actor, setup: Awaited<ReturnType<typeof runningExperiment>>, variant: "control" | "variant_1", units: string[]) {
  const versionId = setup.versionIds[variant === "control" ? 0 : 1];
  return insertExposures(
    units.map((unitId, index) => ({
      workspaceId: as.workspaceId,
      promptId: setup.promptId,
      versionId,
      variant,
      experimentId: setup.id,
      unitId,
      servedAt: new Date(Date.now() - (60 - index) * 60_000),
    })),
  );
}

async function results(as: Actor, experimentId: string) {
  const response = await as.call("GET", `/api/analytics/experiments/${experimentId}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body!;
}

describe("GET /api/analytics/experiments/{id}", () => {
  it("counts exposures, distinct units and converted units per variant, and compares each with the control", async () => {
    const { owner } = await workspaceWith();
    const { owner: outsider } = await workspaceWith();
    const setup = await runningExperiment(owner);
    const control = await expose(owner, setup, "control", ["u1", "u1", "u2", "u3", "u4"]);
    const treatment = await expose(owner, setup, "variant_1", ["u5", "u6", "u7", "u8", "u9"]);
    const soon = new Date(Date.now() - 5 * 60_000);
    const event = (traceId: string, eventName = "purchase", workspaceId = owner.workspaceId) => ({ workspaceId, traceId, eventName, occurredAt: soon });
    // Beside the experiment: an exposure without a unit (so without a variant) and one of another experiment.
    const outside = await insertExposures([
      { workspaceId: owner.workspaceId, promptId: setup.promptId, versionId: setup.versionIds[0], servedAt: soon },
      { workspaceId: owner.workspaceId, promptId: setup.promptId, versionId: setup.versionIds[0], servedAt: soon, variant: "control", experimentId: "exp_another", unitId: "u1" },
    ]);
    await insertEvents([
      event(control[1]!.traceId), // u1 converts on its second exposure
      event(control[2]!.traceId), // u2
      event(control[3]!.traceId, "click"), // u3: not the primary event
      event(control[4]!.traceId, "purchase", outsider.workspaceId), // u4: another workspace's event with the same trace id
      event(treatment[0]!.traceId), // u5
      event(treatment[1]!.traceId), // u6
      event(treatment[2]!.traceId), // u7
      event(treatment[4]!.traceId), // u9, twice: one unit converts once
      event(treatment[4]!.traceId),
      event(outside[0]!.traceId),
      event(outside[1]!.traceId),
    ]);

    const body = await results(owner, setup.id);
    expect(body).toMatchObject({ experiment_id: setup.id, status: "running", primary_event: "purchase", confidence_level: 0.95, started_at: expect.any(String), stopped_at: null });
    const [controlRow, treatmentRow] = body.variants;
    expect(controlRow).toEqual({
      key: "control",
      version_id: setup.versionIds[0],
      version_number: 1,
      is_control: true,
      weight: 1,
      expected_share: 0.5,
      exposures: 5,
      units: 4,
      conversions: 2,
      conversion_rate: 0.5,
      lift: null,
      ci_low: null,
      ci_high: null,
      p_value: null,
      probability_to_beat_control: null,
    });
    const comparison = compareToControl({ units: 4, conversions: 2 }, { units: 5, conversions: 4 });
    expect(treatmentRow).toEqual({ key: "variant_1", version_id: setup.versionIds[1], version_number: 2, is_control: false, weight: 1, expected_share: 0.5, exposures: 5, units: 5, conversions: 4, ...comparison });
    expect(treatmentRow.conversion_rate).toBe(0.8);
    expect(treatmentRow.lift).toBeCloseTo(0.6, 12);
    expect(treatmentRow.ci_low).toBeLessThan(0.6);
    expect(treatmentRow.ci_high).toBeGreaterThan(0.6);
    expect(treatmentRow.p_value).toBeGreaterThan(0.05);
    const srm = sampleRatioMismatch([4, 5], [1, 1]);
    expect(body.srm_chi_square).toBeCloseTo(1 / 9, 12);
    expect(body.srm_p_value).toBe(srm.p_value);

    // Stopped: events after stopped_at no longer count, earlier ones that arrive late do.
    expect((await owner.call("POST", `/api/experiments/${setup.id}/stop`)).status).toBe(200);
    const stoppedAt = Date.parse((await results(owner, setup.id)).stopped_at);
    await insertEvents([{ ...event(treatment[3]!.traceId), occurredAt: new Date(stoppedAt + 60_000) }]);
    expect((await results(owner, setup.id)).variants[1].conversions).toBe(4);
    await insertEvents([{ ...event(treatment[3]!.traceId), occurredAt: new Date(stoppedAt - 60_000) }]);
    expect((await results(owner, setup.id)).variants[1].conversions).toBe(5);
    // An edge isolate may serve the experiment for a while after the stop; those units do not count.
    const late = await insertExposures([{ workspaceId: owner.workspaceId, promptId: setup.promptId, versionId: setup.versionIds[0], variant: "control", experimentId: setup.id, unitId: "u-late", servedAt: new Date(stoppedAt + 30_000) }]);
    await insertEvents([{ ...event(late[0]!.traceId), occurredAt: new Date(stoppedAt - 1) }]);
    expect((await results(owner, setup.id)).variants.map((variant: { units: number; exposures: number }) => [variant.units, variant.exposures])).toEqual([[4, 5], [5, 5]]);

    expect((await outsider.call("GET", `/api/analytics/experiments/${setup.id}`)).status).toBe(404);
    expect((await outsider.call("GET", `/api/analytics/experiments/${setup.id}`, undefined, owner.workspaceId)).status).toBe(404);
    expect((await owner.call("GET", "/api/analytics/experiments/exp_unknown")).status).toBe(404);
  });

  it("reads conversions from the first event times the consumer keeps on exposures, and from the events where none are kept", async () => {
    const { owner } = await workspaceWith();
    const setup = await runningExperiment(owner);
    const micros = (date: Date) => String(date.getTime() * 1000);
    const soon = new Date(Date.now() - 5 * 60_000);
    const base = { workspaceId: owner.workspaceId, promptId: setup.promptId, experimentId: setup.id, servedAt: new Date(Date.now() - 10 * 60_000) };
    const rows = await insertExposures([
      // Kept maps, with no events rows behind them: the map alone decides.
      { ...base, versionId: setup.versionIds[0], variant: "control", unitId: "m1", eventFirsts: { purchase: micros(soon) } },
      { ...base, versionId: setup.versionIds[0], variant: "control", unitId: "m2", eventFirsts: { click: micros(soon) } },
      { ...base, versionId: setup.versionIds[1], variant: "variant_1", unitId: "m3", eventFirsts: {} },
      // No map: its events are read.
      { ...base, versionId: setup.versionIds[1], variant: "variant_1", unitId: "m4" },
    ]);
    await insertEvents([{ workspaceId: owner.workspaceId, traceId: rows[3]!.traceId!, eventName: "purchase", occurredAt: soon }]);
    const body = await results(owner, setup.id);
    expect(body.variants.map((variant: { units: number; conversions: number }) => [variant.units, variant.conversions])).toEqual([
      [2, 1],
      [2, 1],
    ]);
  });

  it("flags a sample-ratio mismatch when units do not follow the weights", async () => {
    const { owner } = await workspaceWith();
    const setup = await runningExperiment(owner);
    await expose(owner, setup, "control", Array.from({ length: 60 }, (_, index) => `c${index}`));
    await expose(owner, setup, "variant_1", Array.from({ length: 20 }, (_, index) => `t${index}`));
    const body = await results(owner, setup.id);
    expect(body.variants.map((variant: { units: number; conversions: number }) => [variant.units, variant.conversions])).toEqual([
      [60, 0],
      [20, 0],
    ]);
    // (60 − 40)² / 40 + (20 − 40)² / 40 = 20, one degree of freedom.
    expect(body.srm_chi_square).toBeCloseTo(20, 12);
    expect(body.srm_p_value).toBeLessThan(1e-4);
    expect(body.variants[1]).toMatchObject({ conversion_rate: 0, lift: null, ci_low: null, ci_high: null, p_value: null, probability_to_beat_control: expect.any(Number) });
  });

  it("answers zeros for an experiment that never started, to any reader of the workspace", async () => {
    const { owner, members } = await workspaceWith("viewer");
    const setup = await runningExperiment(owner, { start: false });
    const body = await results(members[0], setup.id);
    expect(body).toMatchObject({ status: "draft", started_at: null, srm_chi_square: 0, srm_p_value: 1 });
    expect(body.variants.map((variant: { exposures: number; units: number; conversions: number; lift: unknown }) => [variant.exposures, variant.units, variant.conversions, variant.lift])).toEqual([
      [0, 0, 0, null],
      [0, 0, 0, null],
    ]);
  });

  it("exports the per-variant table as CSV and JSON", async () => {
    const { owner } = await workspaceWith();
    const setup = await runningExperiment(owner);
    const control = await expose(owner, setup, "control", ["a", "b"]);
    await expose(owner, setup, "variant_1", ["c", "d"]);
    await insertEvents([{ workspaceId: owner.workspaceId, traceId: control[0]!.traceId, eventName: "purchase", occurredAt: new Date() }]);

    const csv = await download(owner, `/api/analytics/experiments/${setup.id}?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="experiment-${setup.id}.csv"`);
    const [header, ...rows] = parseCsv(csv.text);
    expect(header).toEqual([
      "experiment_id",
      "primary_event",
      "variant",
      "version_id",
      "version_number",
      "is_control",
      "weight",
      "expected_share",
      "exposures",
      "units",
      "conversions",
      "conversion_rate",
      "lift",
      "ci_low",
      "ci_high",
      "p_value",
      "probability_to_beat_control",
      "srm_p_value",
    ]);
    expect(rows.map((row) => row.slice(0, 12))).toEqual([
      [setup.id, "purchase", "control", setup.versionIds[0], "1", "true", "1", "0.5", "2", "2", "1", "0.5"],
      [setup.id, "purchase", "variant_1", setup.versionIds[1], "2", "false", "1", "0.5", "2", "2", "0", "0"],
    ]);
    expect(rows[1]![12]).toBe("-1");

    const json = await download(owner, `/api/analytics/experiments/${setup.id}`, { accept: "text/csv" });
    expect(json.headers.get("content-type")).toMatch(/^text\/csv/);
    const exported = await download(owner, `/api/analytics/experiments/${setup.id}?format=json`);
    const parsed = JSON.parse(exported.text) as { rows: Array<Record<string, unknown>>; row_count: number; truncated: boolean };
    expect(parsed).toMatchObject({ row_count: 2, truncated: false });
    expect(parsed.rows[0]).toMatchObject({ variant: "control", units: 2, conversions: 1, lift: null, srm_p_value: 1 });

    expect((await download(owner, `/api/analytics/experiments/${setup.id}?format=xml`)).status).toBe(400);
    expect((await download(owner, "/api/analytics/experiments/exp_unknown?format=csv")).status).toBe(404);
  });
});
