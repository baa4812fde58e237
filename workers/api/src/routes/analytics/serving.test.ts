import { describe, expect, it } from "vitest";
import { fallbackUses } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import { at, insertExposures, promptWithVersions } from "./analytics-test-support.ts";
import { withContext, workspaceWith } from "../prompts/prompt-test-support.ts";

const BASE = "2025-05-01T00:00:00Z";

async function insertFallbacks(rows: Array<{ workspaceId: string; slug: string; servedAt: Date; environment?: "production" | "staging" }>) {
  await withContext((ctx) => ctx.db().insert(fallbackUses).values(rows.map((row) => ({ traceId: newId("trace"), environment: "production" as const, ...row }))));
}

describe("GET /api/analytics/serving", () => {
  it("counts answers by origin — the edge's, the SDKs' by where they had the template, the app's fallbacks — for the workspace only", async () => {
    const { owner, members } = await workspaceWith("viewer");
    const { owner: other } = await workspaceWith();
    const prompt = await promptWithVersions(owner, 1);
    const second = await promptWithVersions(owner, 1);
    const theirs = await promptWithVersions(other, 1);
    const served = (origin: "network" | "cache" | "stale" | "bootstrap" | null, count: number, of = prompt, workspaceId = owner.workspaceId) =>
      Array.from({ length: count }, (_, index) => ({ workspaceId, promptId: of.promptId, versionId: of.versionIds[0]!, servedAt: at(BASE, index % 5), origin }));
    await insertExposures([...served(null, 4), ...served("network", 2), ...served("cache", 7), ...served("stale", 3), ...served("bootstrap", 1), ...served("cache", 5, second), ...served(null, 9, theirs, other.workspaceId)]);
    // Outside the range: not counted.
    await insertExposures([{ workspaceId: owner.workspaceId, promptId: prompt.promptId, versionId: prompt.versionIds[0]!, servedAt: at(BASE, -1), origin: "stale" }]);
    await insertFallbacks([
      { workspaceId: owner.workspaceId, slug: prompt.slug, servedAt: at(BASE, 1) },
      { workspaceId: owner.workspaceId, slug: prompt.slug, servedAt: at(BASE, 2) },
      { workspaceId: owner.workspaceId, slug: "not-in-xr2", servedAt: at(BASE, 3) },
      { workspaceId: other.workspaceId, slug: "not-in-xr2", servedAt: at(BASE, 3) },
    ]);

    const range = `from=${BASE}&to=${at(BASE, 24).toISOString()}`;
    const workspace = await members[0].call("GET", `/api/analytics/serving?${range}`);
    expect(workspace.status, JSON.stringify(workspace.body)).toBe(200);
    expect(workspace.body!.by_origin.map((row: { origin: string; count: number }) => [row.origin, row.count])).toEqual([
      ["edge", 4],
      ["network", 2],
      ["cache", 12],
      ["stale", 3],
      ["bootstrap", 1],
      ["fallback", 3],
    ]);
    expect(workspace.body).toMatchObject({ total: 25, without_xr2: 7, fallback_slugs: [{ slug: prompt.slug, count: 2 }, { slug: "not-in-xr2", count: 1 }] });
    expect(workspace.body!.by_origin[2].share).toBeCloseTo(12 / 25);

    // One prompt: its exposures, and the fallbacks served under its slug.
    const one = await members[0].call("GET", `/api/analytics/serving?${range}&prompt_id=${prompt.promptId}`);
    expect(one.body!.by_origin.map((row: { count: number }) => row.count)).toEqual([4, 2, 7, 3, 1, 2]);
    expect(one.body!.fallback_slugs).toEqual([{ slug: prompt.slug, count: 2 }]);

    // Nothing in staging.
    const staging = await members[0].call("GET", `/api/analytics/serving?${range}&environment=staging`);
    expect(staging.body).toMatchObject({ total: 0, without_xr2: 0, fallback_slugs: [] });
    expect(staging.body!.by_origin.every((row: { share: number | null }) => row.share === null)).toBe(true);
  });

  it("lists the slugs most served from fallbacks, at most 20, and counts every fallback", async () => {
    const { owner } = await workspaceWith();
    await insertFallbacks(Array.from({ length: 25 }, (_, index) => Array.from({ length: index + 1 }, () => ({ workspaceId: owner.workspaceId, slug: `slug-${String(index).padStart(2, "0")}`, servedAt: at(BASE, 1) }))).flat());
    const answer = await owner.call("GET", `/api/analytics/serving?from=${BASE}&to=${at(BASE, 24).toISOString()}`);
    expect(answer.body!.fallback_slugs).toHaveLength(20);
    expect(answer.body!.fallback_slugs[0]).toEqual({ slug: "slug-24", count: 25 });
    expect(answer.body!.fallback_slugs[19]).toEqual({ slug: "slug-05", count: 6 });
    expect(answer.body!.without_xr2).toBe((25 * 26) / 2);
  });

  it("answers 404 for another workspace's prompt and 400 for a bad range", async () => {
    const { owner } = await workspaceWith();
    const { owner: other } = await workspaceWith();
    const theirs = await promptWithVersions(other, 1);
    const range = `from=${BASE}&to=${at(BASE, 24).toISOString()}`;
    expect((await owner.call("GET", `/api/analytics/serving?${range}&prompt_id=${theirs.promptId}`)).status).toBe(404);
    expect((await owner.call("GET", `/api/analytics/serving?from=${at(BASE, 24).toISOString()}&to=${BASE}`)).status).toBe(400);
    expect((await owner.call("GET", `/api/analytics/serving?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z`)).status).toBe(400);
  });
});
