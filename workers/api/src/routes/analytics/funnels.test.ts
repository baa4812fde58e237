import { describe, expect, it } from "vitest";
import { inArray } from "drizzle-orm";
import { exposures } from "@xr2/db/schema";
import { recordEventFirsts } from "../../services/analytics/event-firsts.ts";
import { withContext, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";
import { at, csvRecords, download, insertEvents, insertExposures, promptWithVersions } from "./analytics-test-support.ts";

const T = "2025-03-03T00:00:00.000Z";
const range = `from=${T}&to=${at(T, 24).toISOString()}`;

type Step = { step: number; event_name: string | null; count: number; conversion_from_previous: number | null; conversion_from_start: number | null; drop_off: number };

/**
 * Gives these exposures the maps of first event times that the queue consumer keeps (it inserts
 * an empty map, then merges the trace's events). Rows inserted directly have none, and the funnel
 * reads their events instead.
 */
async function keepEventFirsts(rows: Array<{ workspaceId: string; traceId: string }>) {
  await withContext(async (ctx) => {
    await ctx.db().update(exposures).set({ eventFirsts: {} }).where(inArray(exposures.traceId, rows.map((row) => row.traceId)));
    await recordEventFirsts(ctx, { exposures: rows.map((row) => ({ workspace_id: row.workspaceId, trace_id: row.traceId })), events: [] });
  });
}

/**
 * Known journeys through steps a → b → c (window 24 h) for two versions of one prompt, plus rows
 * that must not count: an errored exposure, one before the range, another workspace's events.
 */
async function journeys(owner: Actor, stranger: Actor, { kept = false } = {}) {
  const { promptId, versionIds } = await promptWithVersions(owner, 3);
  const [v1, v2] = versionIds as [string, string];
  const ws = owner.workspaceId;
  const expose = (versionId: string, unitId: string | null, hours: number, extra: Record<string, unknown> = {}) => ({ workspaceId: ws, promptId, versionId, unitId, servedAt: at(T, hours), ...extra });
  const [u1, u2, u3, anonymous, u5a, u5b, errored, early, u1v2, u8] = await insertExposures([
    expose(v1, "u1", 1),
    expose(v1, "u2", 1),
    expose(v1, "u3", 1),
    expose(v1, null, 1),
    expose(v1, "u5", 1),
    expose(v1, "u5", 5),
    expose(v1, "u6", 1, { status: "error" }),
    expose(v1, "u7", -1),
    expose(v2, "u1", 10),
    expose(v2, "u8", 1),
  ]);
  const event = (exposure: { traceId: string }, eventName: string, hours: number, workspaceId = ws) => ({ workspaceId, traceId: exposure.traceId, eventName, occurredAt: at(T, hours) });
  await insertEvents([
    // u1: a, b, c in order → step 3.
    event(u1!, "a", 2),
    event(u1!, "b", 3),
    event(u1!, "c", 4),
    // u2: b before a → only step 1; a later b does not help, the first b is what counts.
    event(u2!, "b", 2),
    event(u2!, "a", 3),
    event(u2!, "b", 4.5),
    // u3: a after the window → step 0.
    event(u3!, "a", 26),
    // No unit_id: the trace is the unit; a at the exposure's instant counts → step 2.
    event(anonymous!, "a", 1),
    event(anonymous!, "b", 1.75),
    // u5: two exposures, events on both traces count from the first; c outside the window → step 2.
    event(u5b!, "a", 6),
    event(u5a!, "b", 7),
    event(u5b!, "c", 30),
    // Neither an errored exposure nor one before the range enters the funnel.
    event(errored!, "a", 2),
    event(early!, "a", 2),
    // v2: u1's own v2 trace does a; its b on the v1 trace does not count for v2 → step 1.
    event(u1v2!, "a", 11),
    // u8: a, b, then c at the same instant as b (not after it) → step 2.
    event(u8!, "a", 2),
    event(u8!, "b", 3),
    event(u8!, "c", 3),
    // Another workspace's events on this workspace's traces never count.
    event(u3!, "a", 2, stranger.workspaceId),
    event(u2!, "b", 4, stranger.workspaceId),
    event(u2!, "c", 5, stranger.workspaceId),
  ]);
  if (kept) await keepEventFirsts([u1, u2, u3, anonymous, u5a, u5b, errored, early, u1v2, u8].map((row) => ({ workspaceId: ws, traceId: row!.traceId })));
  return { promptId, v1, v2 };
}

const steps = (counts: number[]): Step[] =>
  counts.map((count, step) => ({
    step,
    event_name: step === 0 ? null : ["a", "b", "c"][step - 1]!,
    count,
    conversion_from_previous: step === 0 ? (count > 0 ? 1 : null) : counts[step - 1]! > 0 ? count / counts[step - 1]! : null,
    conversion_from_start: counts[0]! > 0 ? count / counts[0]! : null,
    drop_off: step === 0 ? 0 : counts[step - 1]! - count,
  }));

describe("GET /api/analytics/funnels", () => {
  for (const kept of [false, true]) {
    const how = kept ? ", from the maps of first event times kept on the exposures" : ", from the events";

    it(`counts ordered steps within the window from each unit's first exposure, per version${how}`, async () => {
      const { owner } = await workspaceWith();
      const { owner: stranger } = await workspaceWith();
      const { promptId, v1, v2 } = await journeys(owner, stranger, { kept });

      const response = await owner.call("GET", `/api/analytics/funnels?prompt_id=${promptId}&steps=a,b,c&${range}`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toEqual({
        prompt_id: promptId,
        steps: ["a", "b", "c"],
        from: T,
        to: at(T, 24).toISOString(),
        window_hours: 24,
        environment: null,
        versions: [
          { version_id: v1, version_number: 1, steps: steps([5, 4, 3, 1]) },
          { version_id: v2, version_number: 2, steps: steps([2, 2, 1, 0]) },
        ],
      });
      // Spelled out once: 5 units exposed to v1, 4 did a, 3 then b, 1 then c.
      expect(response.body!.versions[0].steps[2]).toEqual({ step: 2, event_name: "b", count: 3, conversion_from_previous: 0.75, conversion_from_start: 0.6, drop_off: 1 });
    });

    it(`widens and narrows with the window, the range and the environment${how}`, async () => {
      const { owner } = await workspaceWith();
      const { owner: stranger } = await workspaceWith();
      const { promptId, v1 } = await journeys(owner, stranger, { kept });
      const funnel = async (query: string) => {
        const response = await owner.call("GET", `/api/analytics/funnels?prompt_id=${promptId}&${query}`);
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        return response.body!.versions as Array<{ version_id: string; steps: Step[] }>;
      };
      // 48 h: u3's late a and u5's late c now count.
      expect((await funnel(`steps=a,b,c&${range}&window_hours=48`)).find((version) => version.version_id === v1)!.steps.map((step) => step.count)).toEqual([5, 5, 3, 2]);
      // One hour: only the anonymous unit's quick a → b is within reach.
      expect((await funnel(`steps=a,b&${range}&window_hours=1`)).find((version) => version.version_id === v1)!.steps.map((step) => step.count)).toEqual([5, 1, 1]);
      // A range starting after the first exposures: only u5's second exposure and v2's u1 enter.
      const later = await funnel(`steps=a,b&from=${at(T, 4).toISOString()}&to=${at(T, 24).toISOString()}`);
      expect(later.map((version) => version.steps.map((step) => step.count))).toEqual([
        [1, 1, 0],
        [1, 1, 0],
      ]);
      expect(await funnel(`steps=a&${range}&environment=staging`)).toEqual([]);
      expect((await funnel(`steps=a&${range}&environment=production`)).length).toBe(2);
    });
  }

  it("reads a trace's events where its kept map cannot answer: a first time before `from`, or no map kept", async () => {
    const { owner } = await workspaceWith();
    const { promptId, versionIds } = await promptWithVersions(owner, 1);
    const ws = owner.workspaceId;
    const [skewed, unkept] = await insertExposures([
      { workspaceId: ws, promptId, versionId: versionIds[0]!, unitId: "u9", servedAt: at(T, 5) },
      { workspaceId: ws, promptId, versionId: versionIds[0]!, unitId: "u10", servedAt: at(T, 5) },
    ]);
    const event = (exposure: { traceId: string }, eventName: string, hours: number) => ({ workspaceId: ws, traceId: exposure.traceId, eventName, occurredAt: at(T, hours) });
    await insertEvents([
      // u9's client dated an a before the range (and before its exposure): from `from` on, its a is at 6 h → steps a, b.
      event(skewed!, "a", 3),
      event(skewed!, "a", 6),
      event(skewed!, "b", 7),
      event(unkept!, "a", 5.5),
    ]);
    await keepEventFirsts([{ workspaceId: ws, traceId: skewed!.traceId }]);
    const response = await owner.call("GET", `/api/analytics/funnels?prompt_id=${promptId}&steps=a,b&from=${at(T, 4).toISOString()}&to=${at(T, 24).toISOString()}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body!.versions[0].steps.map((step: Step) => step.count)).toEqual([2, 2, 1]);
  });

  it("exports the funnel as CSV and as JSON", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const { promptId, v1, v2 } = await journeys(owner, stranger);
    const csv = await download(owner, `/api/analytics/funnels?prompt_id=${promptId}&steps=a,b,c&${range}&format=csv`);
    expect(csv.status, csv.text).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="funnel-.+\.csv"$/);
    expect(csv.text.split("\r\n")[0]).toBe("version_id,version_number,step,event_name,count,conversion_from_previous,conversion_from_start,drop_off");
    expect(csvRecords(csv.text).map((row) => [row.version_id, row.step, row.event_name, row.count, row.conversion_from_start])).toEqual([
      [v1, "0", "", "5", "1"],
      [v1, "1", "a", "4", "0.8"],
      [v1, "2", "b", "3", "0.6"],
      [v1, "3", "c", "1", "0.2"],
      [v2, "0", "", "2", "1"],
      [v2, "1", "a", "2", "1"],
      [v2, "2", "b", "1", "0.5"],
      [v2, "3", "c", "0", "0"],
    ]);
    const json = await download(owner, `/api/analytics/funnels?prompt_id=${promptId}&steps=a,b,c&${range}&format=json`);
    expect(json.headers.get("content-disposition")).toMatch(/\.json"$/);
    const parsed = JSON.parse(json.text);
    expect(parsed).toMatchObject({ row_count: 8, truncated: false, row_limit: 1_000_000 });
    expect(parsed.rows[7]).toEqual({ version_id: v2, version_number: 2, step: 3, event_name: "c", count: 0, conversion_from_previous: 0, conversion_from_start: 0, drop_off: 1 });
  });

  it("answers 400 to bad steps, ranges and windows", async () => {
    const { owner } = await workspaceWith();
    const { promptId } = await promptWithVersions(owner, 1);
    for (const query of [
      `steps=a&${range}`,
      `prompt_id=${promptId}&${range}`,
      `prompt_id=${promptId}&steps=&${range}`,
      `prompt_id=${promptId}&steps=a,,b&${range}`,
      `prompt_id=${promptId}&steps=${Array.from({ length: 11 }, (_, index) => `e${index}`).join(",")}&${range}`,
      `prompt_id=${promptId}&steps=${"x".repeat(101)}&${range}`,
      `prompt_id=${promptId}&steps=a,b,a&${range}`,
      `prompt_id=${promptId}&steps=a&from=${T}`,
      `prompt_id=${promptId}&steps=a&from=${T}&to=${T}`,
      `prompt_id=${promptId}&steps=a&from=${at(T, 1).toISOString()}&to=${T}`,
      `prompt_id=${promptId}&steps=a&from=${T}&to=${at(T, 367 * 24).toISOString()}`,
      `prompt_id=${promptId}&steps=a&from=yesterday&to=${T}`,
      `prompt_id=${promptId}&steps=a&${range}&window_hours=0`,
      `prompt_id=${promptId}&steps=a&${range}&window_hours=721`,
      `prompt_id=${promptId}&steps=a&${range}&environment=prod`,
      `prompt_id=${promptId}&steps=a&${range}&format=xml`,
      `prompt_id=${promptId}&steps=a&${range}&unknown=1`,
    ]) {
      const response = await owner.call("GET", `/api/analytics/funnels?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body!.error.code, query).toBe("VALIDATION_FAILED");
    }
    const ten = Array.from({ length: 10 }, (_, index) => `e${index}`).join(",");
    const response = await owner.call("GET", `/api/analytics/funnels?prompt_id=${promptId}&steps=${ten}&${range}&workspace_id=${owner.workspaceId}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  });

  it("answers 404 for another workspace's prompt, even as an export, and never counts its rows", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const theirs = await journeys(stranger, owner);
    for (const format of ["", "&format=csv"]) {
      const response = await download(owner, `/api/analytics/funnels?prompt_id=${theirs.promptId}&steps=a&${range}${format}`);
      expect(response.status, response.text).toBe(404);
      expect(JSON.parse(response.text).error).toMatchObject({ code: "NOT_FOUND", message: "Prompt not found" });
    }
    expect((await owner.call("GET", `/api/analytics/funnels?prompt_id=pr_01jnotaprompt00000000000000&steps=a&${range}`)).status).toBe(404);
    // The stranger sees their own funnel, unaffected by the events the owner's workspace sent on their traces.
    const own = await stranger.call("GET", `/api/analytics/funnels?prompt_id=${theirs.promptId}&steps=a,b,c&${range}`);
    expect(own.body!.versions[0].steps.map((step: Step) => step.count)).toEqual([5, 4, 3, 1]);
  });
});
