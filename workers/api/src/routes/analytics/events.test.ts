import { describe, expect, it } from "vitest";
import { encodeCursor } from "../../services/pagination/cursor.ts";
import { workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";
import { at, csvRecords, download, insertEvents, parseCsv, promptWithVersions } from "./analytics-test-support.ts";

const T = "2025-05-05T12:00:00.000Z";

type Event = { event_id: string; trace_id: string; event_name: string; category: string | null; fields: Record<string, unknown>; occurred_at: string; prompt_id: string | null; version_id: string | null; variant: string | null };

async function page(as: Actor, query: string) {
  const response = await as.call("GET", `/api/analytics/events?${query}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { events: Event[]; next_cursor: string | null };
}

async function walk(as: Actor, query: string) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const result = await page(as, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    ids.push(...result.events.map((event) => event.event_id));
    cursor = result.next_cursor;
    if (!cursor) return ids;
  }
  throw new Error("pagination did not end");
}

describe("GET /api/analytics/events", () => {
  it("lists events newest first with their fields and attribution, filtered by name, prompt, version, trace and time", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const { promptId, versionIds } = await promptWithVersions(owner, 2);
    const ws = owner.workspaceId;
    const [signup, purchase, unattributed, v2Purchase] = await insertEvents([
      { workspaceId: ws, traceId: "tr_a", eventName: "signup", category: "conversion", fields: { plan: "pro", seats: 3, trial: false }, occurredAt: at(T, 0), promptId, versionId: versionIds[0]!, variant: "a" },
      { workspaceId: ws, traceId: "tr_a", eventName: "purchase", fields: { amount: 49.5 }, occurredAt: at(T, 1), promptId, versionId: versionIds[0]! },
      { workspaceId: ws, traceId: "tr_b", eventName: "purchase", occurredAt: at(T, 2) },
      { workspaceId: ws, traceId: "tr_c", eventName: "purchase", occurredAt: at(T, 3), promptId, versionId: versionIds[1]! },
    ]);
    await insertEvents([{ workspaceId: stranger.workspaceId, traceId: "tr_a", eventName: "purchase", occurredAt: at(T, 1.5), promptId, versionId: versionIds[0]! }]);

    const all = await page(owner, "");
    expect(all.events.map((event) => event.event_id)).toEqual([v2Purchase!.eventId, unattributed!.eventId, purchase!.eventId, signup!.eventId]);
    expect(all.next_cursor).toBeNull();
    expect(all.events[3]).toEqual({
      event_id: signup!.eventId,
      trace_id: "tr_a",
      event_name: "signup",
      category: "conversion",
      fields: { plan: "pro", seats: 3, trial: false },
      occurred_at: "2025-05-05T12:00:00.000000Z",
      received_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
      prompt_id: promptId,
      version_id: versionIds[0],
      variant: "a",
    });
    expect(all.events[1]).toMatchObject({ category: null, fields: {}, prompt_id: null, version_id: null, variant: null });

    const ids = async (query: string) => (await page(owner, query)).events.map((event) => event.event_id);
    expect(await ids("event_name=purchase")).toEqual([v2Purchase!.eventId, unattributed!.eventId, purchase!.eventId]);
    expect(await ids(`prompt_id=${promptId}`)).toEqual([v2Purchase!.eventId, purchase!.eventId, signup!.eventId]);
    expect(await ids(`prompt_id=${promptId}&version_id=${versionIds[0]}&event_name=purchase`)).toEqual([purchase!.eventId]);
    expect(await ids(`version_id=${versionIds[1]}`)).toEqual([v2Purchase!.eventId]);
    expect(await ids("trace_id=tr_a")).toEqual([purchase!.eventId, signup!.eventId]);
    expect(await ids(`from=${at(T, 1).toISOString()}&to=${at(T, 3).toISOString()}`)).toEqual([unattributed!.eventId, purchase!.eventId]);
    expect(await ids("event_name=nothing")).toEqual([]);
  });

  it("pages with a stable cursor through events that share an instant", async () => {
    const { owner } = await workspaceWith();
    const instants = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3].map((hours) => at(T, hours));
    const rows = await insertEvents(instants.map((occurredAt) => ({ workspaceId: owner.workspaceId, traceId: "tr_x", eventName: "tick", occurredAt })));
    const expected = [...rows].sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.eventId < b.eventId ? 1 : -1)).map((row) => row.eventId);

    const first = await page(owner, "limit=4");
    expect(first.events.map((event) => event.event_id)).toEqual(expected.slice(0, 4));
    // A newer event arriving between two pages does not shift the later ones.
    await insertEvents([{ workspaceId: owner.workspaceId, traceId: "tr_x", eventName: "tick", occurredAt: at(T, 10) }]);
    const second = await page(owner, `limit=4&cursor=${encodeURIComponent(first.next_cursor!)}`);
    expect(second.events.map((event) => event.event_id)).toEqual(expected.slice(4, 8));
    const third = await page(owner, `limit=4&cursor=${encodeURIComponent(second.next_cursor!)}`);
    expect(third.events.map((event) => event.event_id)).toEqual(expected.slice(8));
    expect(third.next_cursor).toBeNull();

    const walked = await walk(owner, "limit=3&event_name=tick");
    expect(walked).toHaveLength(11);
    expect(new Set(walked).size).toBe(11);
  });

  it("exports every match as CSV (RFC 4180, formulas defused) and as JSON, a page at a time", async () => {
    const { owner } = await workspaceWith();
    const tricky = await insertEvents([
      {
        workspaceId: owner.workspaceId,
        traceId: "tr_csv",
        eventName: "=HYPERLINK(\"http://evil.test\",\"click\")",
        category: 'says "hi",\r\ntwice',
        fields: { note: "line one\nline two", formula: "=1+1" },
        occurredAt: at(T, 0),
      },
      { workspaceId: owner.workspaceId, traceId: "+tr_plus", eventName: "-minus", category: "@at", occurredAt: at(T, -1) },
      { workspaceId: owner.workspaceId, traceId: "tr_tab", eventName: "\tcmd", category: "plain, with comma", occurredAt: at(T, -2) },
    ]);
    const csv = await download(owner, "/api/analytics/events?format=csv");
    expect(csv.status, csv.text).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="events-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(csv.text);
    expect(rows[0]).toEqual(["event_id", "trace_id", "event_name", "category", "fields", "occurred_at", "received_at", "prompt_id", "version_id", "variant"]);
    expect(rows.slice(1).map((row) => row.slice(0, 5))).toEqual([
      [tricky[0]!.eventId, "tr_csv", "'=HYPERLINK(\"http://evil.test\",\"click\")", 'says "hi",\r\ntwice', JSON.stringify({ note: "line one\nline two", formula: "=1+1" })],
      [tricky[1]!.eventId, "'+tr_plus", "'-minus", "'@at", "{}"],
      [tricky[2]!.eventId, "tr_tab", "'\tcmd", "plain, with comma", "{}"],
    ]);
    // The raw text: quoted where needed, inner quotes doubled, CRLF line ends.
    expect(csv.text).toContain(`,"'=HYPERLINK(""http://evil.test"",""click"")","says ""hi"",\r\ntwice",`);

    const json = await download(owner, "/api/analytics/events?format=json");
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const parsed = JSON.parse(json.text);
    expect(parsed).toMatchObject({ row_count: 3, row_limit: 1_000_000, truncated: false });
    expect(parsed.rows[0]).toMatchObject({ event_id: tricky[0]!.eventId, event_name: tricky[0]!.eventName, fields: { note: "line one\nline two", formula: "=1+1" } });
    const empty = await download(owner, "/api/analytics/events?format=json&event_name=nothing");
    expect(JSON.parse(empty.text)).toEqual({ rows: [], row_count: 0, row_limit: 1_000_000, truncated: false });
  });

  it("streams an export longer than one database page, in order, with no row twice", async () => {
    const { owner } = await workspaceWith();
    // 4,100 events over 41 instants: pages of 2,000 end in the middle of an instant.
    const rows = await insertEvents(Array.from({ length: 4100 }, (_, index) => ({ workspaceId: owner.workspaceId, traceId: `tr_${index % 7}`, eventName: "bulk", occurredAt: at(T, Math.floor(index / 100)) })));
    const csv = await download(owner, "/api/analytics/events?format=csv&event_name=bulk");
    const exported = csvRecords(csv.text).map((row) => row.event_id);
    const expected = [...rows].sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.eventId < b.eventId ? 1 : -1)).map((row) => row.eventId);
    expect(exported).toEqual(expected);
    // An export from a cursor continues after it.
    const first = await page(owner, "event_name=bulk&limit=150");
    const rest = JSON.parse((await download(owner, `/api/analytics/events?event_name=bulk&format=json&cursor=${encodeURIComponent(first.next_cursor!)}`)).text);
    expect(rest.row_count).toBe(3950);
    expect(rest.rows[0].event_id).toBe(expected[150]);
  });

  it("answers 400 to bad queries and cursors, 404 to other workspaces' prompts and versions, and never shows their events", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const theirs = await promptWithVersions(stranger, 1);
    const mine = await promptWithVersions(owner, 1);
    await insertEvents([{ workspaceId: stranger.workspaceId, traceId: "tr_theirs", eventName: "secret", occurredAt: at(T, 0), promptId: theirs.promptId }]);
    for (const query of [
      "limit=0",
      "limit=201",
      "limit=ten",
      "from=yesterday",
      `from=${at(T, 1).toISOString()}&to=${T}`,
      "cursor=not-a-cursor",
      `cursor=${encodeCursor({ id: "x" })}`,
      `cursor=${encodeCursor(["2025-13-45T00:00:00.000000Z", "evt_1"])}`,
      "format=xlsx",
      "event_name=",
      "unknown=1",
    ]) {
      const response = await owner.call("GET", `/api/analytics/events?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body!.error.code, query).toBe("VALIDATION_FAILED");
    }
    for (const query of [`prompt_id=${theirs.promptId}`, `version_id=${theirs.versionIds[0]}`, `prompt_id=${mine.promptId}&version_id=${theirs.versionIds[0]}`]) {
      for (const format of ["", "&format=csv"]) {
        const response = await download(owner, `/api/analytics/events?${query}${format}`);
        expect(response.status, query + format).toBe(404);
      }
    }
    expect((await page(owner, "trace_id=tr_theirs")).events).toEqual([]);
    expect((await page(owner, "event_name=secret")).events).toEqual([]);
    expect((await page(stranger, "event_name=secret")).events).toHaveLength(1);
  });
});
