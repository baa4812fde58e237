import { describe, expect, it } from "vitest";
import { workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";
import { at, csvRecords, download, insertEvents, insertExposures, promptWithVersions } from "./analytics-test-support.ts";

/** A Monday. */
const D0 = "2025-03-03T00:00:00.000Z";
const day = (days: number, hour = 0) => at(D0, days * 24 + hour);
const threeDays = `from=${D0}&to=${day(3).toISOString()}`;

/**
 * Units with known first exposures and "active" events (UTC days; D0 is a Monday):
 * - A: prompt P on D0 10:00; active D0 (k0), D1 (k1), D8; also prompt Q on D2, active on that trace.
 * - B: P on D0 12:00; active D2 (k2).       - C: P on D1, twice; active D1 ×2 (k0) and D2 (k1).
 * - D: P on the day before D0, again on D1 (not new: no cohort).   - E: P on D0 without unit_id.
 * - F: P on D0 08:00; active at 07:00 (before), "other" on D1.     - G: P on D2; active only in another workspace.
 * - H: P on D0 errored (not an exposure that counts), then on D1; active on D1 through the D1 trace.
 */
async function fixture(owner: Actor, stranger: Actor) {
  const p = await promptWithVersions(owner, 1);
  const q = await promptWithVersions(owner, 1);
  const ws = owner.workspaceId;
  const onP = (unitId: string | null, when: Date, extra: Record<string, unknown> = {}) => ({ workspaceId: ws, promptId: p.promptId, versionId: p.versionIds[0]!, unitId, servedAt: when, ...extra });
  const [a1, aq, b1, c1, c2, , d1, e1, f1, g1, h1, h2] = await insertExposures([
    onP("A", day(0, 10)),
    { workspaceId: ws, promptId: q.promptId, versionId: q.versionIds[0]!, unitId: "A", servedAt: day(2, 9) },
    onP("B", day(0, 12)),
    onP("C", day(1, 9)),
    onP("C", day(1, 15)),
    onP("D", day(-1, 10)),
    onP("D", day(1, 10)),
    onP(null, day(0, 10)),
    onP("F", day(0, 8)),
    onP("G", day(2, 9)),
    onP("H", day(0, 11), { status: "error" }),
    onP("H", day(1, 10)),
  ]);
  const active = (exposure: { traceId: string }, when: Date, eventName = "active", workspaceId = ws) => ({ workspaceId, traceId: exposure.traceId, eventName, occurredAt: when });
  await insertEvents([
    active(a1!, day(0, 11)),
    active(a1!, day(1, 9)),
    active(a1!, day(8, 9)),
    active(aq!, day(2, 10)),
    active(b1!, day(2, 12)),
    active(c1!, day(1, 10)),
    active(c2!, day(1, 16)),
    active(c1!, day(2, 8)),
    active(d1!, day(1, 11)),
    active(e1!, day(0, 11)),
    active(f1!, day(0, 7)),
    active(f1!, day(1, 9), "other"),
    active(g1!, day(2, 10), "active", stranger.workspaceId),
    active(h1!, day(0, 12)),
    active(h2!, day(1, 11)),
  ]);
  return { promptId: p.promptId };
}

const cells = (units: number, retained: number[]) => retained.map((count, period) => ({ period, units: count, rate: count / units, complete: true }));

describe("GET /api/analytics/cohorts", () => {
  it("groups units by the day of their first exposure and counts who did the event k days later", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const { promptId } = await fixture(owner, stranger);
    const response = await owner.call("GET", `/api/analytics/cohorts?prompt_id=${promptId}&event_name=active&period=day&periods=3&${threeDays}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({
      prompt_id: promptId,
      event_name: "active",
      period: "day",
      periods: 3,
      from: D0,
      to: day(3).toISOString(),
      cohorts: [
        { cohort_start: "2025-03-03T00:00:00Z", units: 3, retention: cells(3, [1, 1, 1]) },
        { cohort_start: "2025-03-04T00:00:00Z", units: 2, retention: cells(2, [2, 1, 0]) },
        { cohort_start: "2025-03-05T00:00:00Z", units: 1, retention: cells(1, [0, 0, 0]) },
      ],
    });
  });

  it("follows units across prompts workspace-wide, and by ISO week", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const { promptId } = await fixture(owner, stranger);
    const workspace = await owner.call("GET", `/api/analytics/cohorts?event_name=active&period=day&periods=3&${threeDays}`);
    expect(workspace.status, JSON.stringify(workspace.body)).toBe(200);
    // A's activity on prompt Q's trace now counts on D2.
    expect(workspace.body!.cohorts[0]).toEqual({ cohort_start: "2025-03-03T00:00:00Z", units: 3, retention: cells(3, [1, 1, 2]) });

    const weekly = await owner.call("GET", `/api/analytics/cohorts?prompt_id=${promptId}&event_name=active&period=week&periods=2&from=${day(0, 6).toISOString()}&to=${day(7).toISOString()}`);
    expect(weekly.status, JSON.stringify(weekly.body)).toBe(200);
    // A, B, C, F, G, H start in the week of Monday D0; A, B, C, H are active that week, A the next.
    expect(weekly.body!.cohorts).toEqual([{ cohort_start: "2025-03-03T00:00:00Z", units: 6, retention: cells(6, [4, 1]) }]);
  });

  it("marks periods that have not ended as incomplete", async () => {
    const { owner } = await workspaceWith();
    const { promptId, versionIds } = await promptWithVersions(owner, 1);
    const now = new Date();
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const [exposure] = await insertExposures([{ workspaceId: owner.workspaceId, promptId, versionId: versionIds[0]!, unitId: "U", servedAt: new Date(today.getTime() - 86_400_000 + 1000) }]);
    await insertEvents([{ workspaceId: owner.workspaceId, traceId: exposure!.traceId, eventName: "active", occurredAt: new Date(today.getTime() - 86_400_000 + 2000) }]);
    const response = await owner.call("GET", `/api/analytics/cohorts?prompt_id=${promptId}&event_name=active&period=day&periods=3&from=${new Date(today.getTime() - 86_400_000).toISOString()}&to=${today.toISOString()}`);
    expect(response.body!.cohorts).toEqual([
      {
        cohort_start: new Date(today.getTime() - 86_400_000).toISOString().replace(".000", ""),
        units: 1,
        retention: [
          { period: 0, units: 1, rate: 1, complete: true },
          { period: 1, units: 0, rate: 0, complete: false },
          { period: 2, units: 0, rate: 0, complete: false },
        ],
      },
    ]);
  });

  it("exports the cohort table as CSV and JSON", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const { promptId } = await fixture(owner, stranger);
    const query = `prompt_id=${promptId}&event_name=active&period=day&periods=3&${threeDays}`;
    const csv = await download(owner, `/api/analytics/cohorts?${query}&format=csv`);
    expect(csv.status, csv.text).toBe(200);
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="cohorts-2025-03-03.csv"');
    const rows = csvRecords(csv.text);
    expect(rows).toHaveLength(9);
    expect(rows[3]).toEqual({ cohort_start: "2025-03-04T00:00:00Z", cohort_units: "2", period: "0", retained_units: "2", retention_rate: "1", complete: "true" });
    const json = JSON.parse((await download(owner, `/api/analytics/cohorts?${query}&format=json`)).text);
    expect(json.row_count).toBe(9);
    expect(json.rows[4]).toEqual({ cohort_start: "2025-03-04T00:00:00Z", cohort_units: 2, period: 1, retained_units: 1, retention_rate: 0.5, complete: true });
  });

  it("answers 400 to bad periods and ranges and 404 to another workspace's prompt", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const theirs = await promptWithVersions(stranger, 1);
    for (const query of [
      threeDays,
      `event_name=active`,
      `event_name=active&${threeDays}&period=month`,
      `event_name=active&${threeDays}&periods=0`,
      `event_name=active&${threeDays}&periods=61`,
      `event_name=active&period=day&from=${D0}&to=${day(93).toISOString()}`,
      `event_name=active&period=week&from=${D0}&to=${day(367).toISOString()}`,
      `event_name=active&from=${day(1).toISOString()}&to=${D0}`,
      `event_name=&${threeDays}`,
    ]) {
      const response = await owner.call("GET", `/api/analytics/cohorts?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body!.error.code, query).toBe("VALIDATION_FAILED");
    }
    expect((await owner.call("GET", `/api/analytics/cohorts?event_name=active&period=day&from=${D0}&to=${day(92).toISOString()}`)).status).toBe(200);
    const foreign = await owner.call("GET", `/api/analytics/cohorts?prompt_id=${theirs.promptId}&event_name=active&${threeDays}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body!.error).toMatchObject({ code: "NOT_FOUND", message: "Prompt not found" });
  });
});
