import { describe, expect, it } from "vitest";
import { encodeCursor } from "../../services/pagination/cursor.ts";
import { createPrompt, createVersion, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";
import { at, insertEvents, insertExposures, promptWithVersions } from "../analytics/analytics-test-support.ts";

const T = "2025-06-01T09:00:00.000Z";

type Item = { kind: string; id: string; trace_id: string; at: string; status: string; prompt_id: string | null; version_number: number | null; environment: string | null; unit_id: string | null; event_name: string | null; [field: string]: unknown };

async function page(as: Actor, query: string) {
  const response = await as.call("GET", `/api/traces?${query}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { items: Item[]; next_cursor: string | null };
}

const ids = async (as: Actor, query: string) => (await page(as, query)).items.map((item) => `${item.kind}:${item.id}`);

async function apiKey(as: Actor, name: string): Promise<string> {
  const created = await as.call("POST", "/api/product-api-keys", { name });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body!.id as string;
}

describe("GET /api/traces", () => {
  it("lists exposures and events newest first, each filter narrowing to what it names, unattributed events marked", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const ws = owner.workspaceId;
    const { promptId, versionIds } = await promptWithVersions(owner, 2);
    const other = await promptWithVersions(owner, 1);
    const keyId = await apiKey(owner, "web");
    const [x1, x2, x3] = await insertExposures([
      { workspaceId: ws, traceId: "tr_one", promptId, versionId: versionIds[0]!, servedAt: at(T, 0), unitId: "user-1", apiKeyId: keyId, variant: "control", latencyMs: 7 },
      { workspaceId: ws, traceId: "tr_two", promptId, versionId: versionIds[1]!, servedAt: at(T, 2), environment: "staging", unitId: "user-2", status: "error", errorCode: "VALIDATION_FAILED" },
      { workspaceId: ws, traceId: "tr_three", promptId: other.promptId, versionId: other.versionIds[0]!, servedAt: at(T, 4), unitId: "user-1" },
    ]);
    const [signup, purchase, orphan] = await insertEvents([
      { workspaceId: ws, traceId: "tr_one", eventName: "signup", category: "conversion", occurredAt: at(T, 1), promptId, versionId: versionIds[0]!, variant: "control" },
      { workspaceId: ws, traceId: "tr_three", eventName: "purchase", occurredAt: at(T, 5) },
      { workspaceId: ws, traceId: "tr_nowhere", eventName: "purchase", occurredAt: at(T, 3) },
    ]);
    // Another workspace's rows under the same trace ids are never shown.
    const theirs = await promptWithVersions(stranger, 1);
    await insertExposures([{ workspaceId: stranger.workspaceId, traceId: "tr_one", promptId: theirs.promptId, versionId: theirs.versionIds[0]!, servedAt: at(T, 6) }]);
    await insertEvents([{ workspaceId: stranger.workspaceId, traceId: "tr_one", eventName: "signup", occurredAt: at(T, 6) }]);

    const all = await page(owner, "");
    expect(all.items.map((item) => `${item.kind}:${item.id}`)).toEqual([
      `event:${purchase!.eventId}`,
      `exposure:${x3!.traceId}`,
      `event:${orphan!.eventId}`,
      `exposure:${x2!.traceId}`,
      `event:${signup!.eventId}`,
      `exposure:${x1!.traceId}`,
    ]);
    expect(all.next_cursor).toBeNull();
    expect(all.items[5]).toEqual({
      kind: "exposure",
      id: "tr_one",
      trace_id: "tr_one",
      at: "2025-06-01T09:00:00.000000Z",
      status: "served",
      prompt_id: promptId,
      prompt_slug: expect.any(String),
      prompt_name: "Test prompt",
      version_id: versionIds[0],
      version_number: 1,
      variant: "control",
      environment: "production",
      unit_id: "user-1",
      api_key_id: keyId,
      api_key_name: "web",
      latency_ms: 7,
      error_code: null,
      event_name: null,
      category: null,
    });
    // An event takes environment, unit and key from its trace's exposure, and its attribution.
    expect(all.items[4]).toMatchObject({ kind: "event", trace_id: "tr_one", status: "attributed", event_name: "signup", category: "conversion", environment: "production", unit_id: "user-1", api_key_name: "web", version_number: 1, latency_ms: null });
    // Attribution not yet copied onto the event row still shows, through the exposure.
    expect(all.items[0]).toMatchObject({ status: "attributed", prompt_id: other.promptId, version_number: 1 });
    expect(all.items[2]).toMatchObject({ kind: "event", trace_id: "tr_nowhere", status: "unattributed", prompt_id: null, version_id: null, environment: null, unit_id: null });
    expect(all.items[3]).toMatchObject({ status: "error", error_code: "VALIDATION_FAILED", environment: "staging" });

    expect(await ids(owner, "status=unattributed")).toEqual([`event:${orphan!.eventId}`]);
    expect(await ids(owner, "status=attributed")).toEqual([`event:${purchase!.eventId}`, `event:${signup!.eventId}`]);
    expect(await ids(owner, "status=error")).toEqual(["exposure:tr_two"]);
    expect(await ids(owner, "status=served")).toEqual(["exposure:tr_three", "exposure:tr_one"]);
    expect(await ids(owner, "kind=exposure")).toEqual(["exposure:tr_three", "exposure:tr_two", "exposure:tr_one"]);
    expect(await ids(owner, "kind=event")).toEqual([`event:${purchase!.eventId}`, `event:${orphan!.eventId}`, `event:${signup!.eventId}`]);
    expect(await ids(owner, `prompt_id=${promptId}`)).toEqual(["exposure:tr_two", `event:${signup!.eventId}`, "exposure:tr_one"]);
    expect(await ids(owner, `prompt_id=${promptId}&version_id=${versionIds[1]}`)).toEqual(["exposure:tr_two"]);
    expect(await ids(owner, "environment=staging")).toEqual(["exposure:tr_two"]);
    expect(await ids(owner, "event_name=purchase")).toEqual([`event:${purchase!.eventId}`, `event:${orphan!.eventId}`]);
    expect(await ids(owner, "trace_id=tr_one")).toEqual([`event:${signup!.eventId}`, "exposure:tr_one"]);
    expect(await ids(owner, "unit_id=user-1")).toEqual([`event:${purchase!.eventId}`, "exposure:tr_three", `event:${signup!.eventId}`, "exposure:tr_one"]);
    expect(await ids(owner, `api_key_id=${keyId}`)).toEqual([`event:${signup!.eventId}`, "exposure:tr_one"]);
    expect(await ids(owner, `from=${at(T, 1).toISOString()}&to=${at(T, 4).toISOString()}`)).toEqual([`event:${orphan!.eventId}`, "exposure:tr_two", `event:${signup!.eventId}`]);
    expect(await ids(owner, "kind=exposure&event_name=purchase")).toEqual([]);
  });

  it("pages exposures and events that share an instant with a stable cursor, never repeating or skipping a row", async () => {
    const { owner } = await workspaceWith();
    const ws = owner.workspaceId;
    const { promptId, versionIds } = await promptWithVersions(owner, 1);
    const hours = [0, 0, 0, 1, 1, 2, 2, 2];
    const exposed = await insertExposures(hours.map((hour) => ({ workspaceId: ws, promptId, versionId: versionIds[0]!, servedAt: at(T, hour) })));
    const sent = await insertEvents(hours.map((hour, index) => ({ workspaceId: ws, traceId: exposed[index]!.traceId, eventName: "tick", occurredAt: at(T, hour) })));
    const walked: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const result = await page(owner, `limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      walked.push(...result.items.map((item) => `${item.kind}:${item.id}`));
      cursor = result.next_cursor;
      if (!cursor) break;
      // A newer row arriving between pages does not shift the later ones.
      if (pages === 0) await insertEvents([{ workspaceId: ws, traceId: "tr_late", eventName: "tick", occurredAt: at(T, 10) }]);
    }
    expect(walked).toHaveLength(16);
    expect(new Set(walked).size).toBe(16);
    expect(new Set(walked)).toEqual(new Set([...exposed.map((row) => `exposure:${row.traceId}`), ...sent.map((row) => `event:${row.eventId}`)]));
    const times = (await page(owner, "limit=200")).items.map((item) => item.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("answers 400 to bad queries and cursors, 404 to another workspace's prompt, version or key", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const theirs = await promptWithVersions(stranger, 1);
    const theirKey = await apiKey(stranger, "theirs");
    for (const query of [
      "limit=0",
      "limit=201",
      "kind=span",
      "status=lost",
      "environment=prod",
      "from=yesterday",
      `from=${at(T, 1).toISOString()}&to=${T}`,
      "cursor=not-a-cursor",
      `cursor=${encodeCursor({ id: "x" })}`,
      `cursor=${encodeCursor(["2025-06-01T09:00:00.000000Z", "q:1"])}`,
      `trace_id=${"t".repeat(65)}`,
      `unit_id=${"u".repeat(257)}`,
      "unknown=1",
    ]) {
      const response = await owner.call("GET", `/api/traces?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body!.error.code, query).toBe("VALIDATION_FAILED");
    }
    for (const query of [`prompt_id=${theirs.promptId}`, `version_id=${theirs.versionIds[0]}`, `api_key_id=${theirKey}`]) {
      const response = await owner.call("GET", `/api/traces?${query}`);
      expect(response.status, query).toBe(404);
      expect(response.body!.error.code, query).toBe("NOT_FOUND");
    }
  });
});

describe("GET /api/traces/{traceId}", () => {
  it("shows the answer with its values, the text re-rendered from the version, and every event of the trace", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner, { name: "Greeting" });
    const version = await createVersion(owner, prompt.id, {
      content: "Hi {name}, you have {seats} seats.",
      variables: [
        { name: "name", type: "string", required: true },
        { name: "seats", type: "number", required: false, default: 1 },
      ],
    });
    const [exposure] = await insertExposures([
      { workspaceId: owner.workspaceId, promptId: prompt.id, versionId: version.id, servedAt: at(T, 0), unitId: "user-9", latencyMs: 4, variables: { name: "Ada", seats: 3 }, variant: "treatment" },
    ]);
    const traceId = exposure!.traceId!;
    const [second, first] = await insertEvents([
      { workspaceId: owner.workspaceId, traceId, eventName: "purchase", fields: { amount: 12.5 }, occurredAt: at(T, 2) },
      { workspaceId: owner.workspaceId, traceId, eventName: "signup", category: "conversion", occurredAt: at(T, 1) },
    ]);
    const response = await owner.call("GET", `/api/traces/${traceId}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body!).toMatchObject({
      trace_id: traceId,
      exposure: {
        served_at: "2025-06-01T09:00:00.000000Z",
        prompt_id: prompt.id,
        prompt_slug: prompt.slug,
        prompt_name: "Greeting",
        version_id: version.id,
        version_number: 1,
        environment: "production",
        variant: "treatment",
        unit_id: "user-9",
        latency_ms: 4,
        status: "success",
        values: { name: "Ada", seats: 3 },
        rendered: { status: "re_rendered", content: "Hi Ada, you have 3 seats.", messages: null },
      },
      events_truncated: false,
    });
    expect(response.body!.events.map((event: { event_id: string }) => event.event_id)).toEqual([first!.eventId, second!.eventId]);
    expect(response.body!.events[1]).toMatchObject({ event_name: "purchase", fields: { amount: 12.5 }, occurred_at: "2025-06-01T11:00:00.000000Z" });
  });

  it("re-renders an answer of a prompt with snippets from the text the deployment in force had inlined", async () => {
    const { owner } = await workspaceWith();
    const publish = async (promptId: string, versionId: string) => {
      const published = await owner.call("PUT", `/api/prompts/${promptId}/versions/${versionId}/publish`, { environment: "production" });
      expect(published.status, JSON.stringify(published.body)).toBe(200);
    };
    const snippet = await createPrompt(owner, { name: "Signature" });
    const signatureV1 = await createVersion(owner, snippet.id, { content: "Regards, {team}", variables: [{ name: "team", type: "string", required: false, default: "the team" }] });
    await publish(snippet.id, signatureV1.id);
    const page = await createPrompt(owner, { name: "Greeting" });
    const pageV1 = await createVersion(owner, page.id, { content: `Hi {name}. {% include "${snippet.slug}" %}`, variables: [{ name: "name", type: "string", required: true }] });
    await publish(page.id, pageV1.id);
    const [before] = await insertExposures([{ workspaceId: owner.workspaceId, promptId: page.id, versionId: pageV1.id, servedAt: new Date(), variables: { name: "Ada", team: "Support" } }]);

    // The snippet changes; the page is republished with the same version and the new text.
    const signatureV2 = await createVersion(owner, snippet.id, { content: "Cheers, {team}", variables: [{ name: "team", type: "string", required: false, default: "the team" }] });
    await publish(snippet.id, signatureV2.id);
    expect((await owner.call("POST", `/api/prompts/${snippet.id}/dependents/republish`, {})).status).toBe(200);
    const [after] = await insertExposures([{ workspaceId: owner.workspaceId, promptId: page.id, versionId: pageV1.id, servedAt: new Date(), variables: { name: "Ada", team: "Support" } }]);

    const rendered = async (traceId: string) => (await owner.call("GET", `/api/traces/${traceId}`)).body!.exposure.rendered;
    expect(await rendered(before!.traceId!)).toEqual({ status: "re_rendered", content: "Hi Ada. Regards, Support", messages: null });
    expect(await rendered(after!.traceId!)).toEqual({ status: "re_rendered", content: "Hi Ada. Cheers, Support", messages: null });
    // Served before any deployment of the version: the inlined text is unknown, so no text is claimed.
    const [early] = await insertExposures([{ workspaceId: owner.workspaceId, promptId: page.id, versionId: pageV1.id, servedAt: new Date(Date.now() - 86_400_000), variables: { name: "Ada" } }]);
    expect(await rendered(early!.traceId!)).toEqual({ status: "not_renderable", content: null, messages: null });
  });

  it("says why there is no text: values not kept, or the answer refused", async () => {
    const { owner } = await workspaceWith();
    const { promptId, versionIds } = await promptWithVersions(owner, 1);
    const [unkept, refused] = await insertExposures([
      { workspaceId: owner.workspaceId, promptId, versionId: versionIds[0]!, servedAt: at(T, 0) },
      { workspaceId: owner.workspaceId, promptId, versionId: versionIds[0]!, servedAt: at(T, 0), status: "error", errorCode: "VALIDATION_FAILED", variables: { name: "x" } },
    ]);
    const rendered = async (traceId: string) => (await owner.call("GET", `/api/traces/${traceId}`)).body!.exposure.rendered;
    expect(await rendered(unkept!.traceId!)).toEqual({ status: "values_not_recorded", content: null, messages: null });
    expect(await rendered(refused!.traceId!)).toEqual({ status: "refused", content: null, messages: null });
  });

  it("shows a trace with events but no exposure as such, and answers 404 to unknown traces and to another workspace's", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const [orphan] = await insertEvents([{ workspaceId: owner.workspaceId, traceId: "tr_orphan", eventName: "purchase", occurredAt: at(T, 0) }]);
    const theirs = await promptWithVersions(stranger, 1);
    const [their] = await insertExposures([{ workspaceId: stranger.workspaceId, promptId: theirs.promptId, versionId: theirs.versionIds[0]!, servedAt: at(T, 0) }]);
    await insertEvents([{ workspaceId: stranger.workspaceId, traceId: "tr_theirs_only", eventName: "signup", occurredAt: at(T, 0) }]);

    const response = await owner.call("GET", "/api/traces/tr_orphan");
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ trace_id: "tr_orphan", exposure: null, events: [{ event_id: orphan!.eventId, event_name: "purchase" }] });
    for (const traceId of [their!.traceId!, "tr_theirs_only", "tr_never"]) {
      const missing = await owner.call("GET", `/api/traces/${traceId}`);
      expect(missing.status, traceId).toBe(404);
      expect(missing.body!.error.code).toBe("NOT_FOUND");
    }
    expect((await stranger.call("GET", `/api/traces/${their!.traceId}`)).status).toBe(200);
    expect((await owner.call("GET", `/api/traces/${"t".repeat(65)}`)).status).toBe(400);
  });
});
