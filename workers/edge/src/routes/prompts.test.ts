import { describe, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { environments, prompts, promptVersions } from "@xr2/db/schema";
import { kvKeys, newId, promptBundleSchema, promptDocumentSchema, SDK_LIMITS, type PromptDocument } from "@xr2/shared";
import { createApiKey, createPublishedPrompt, database, newApiKey, pollUntil, startExperiment } from "../testing/fixtures.ts";

function get(path: string, key: string | null, headers: Record<string, string> = {}) {
  return exports.default.fetch(`http://edge.test${path}`, { headers: { ...headers, ...(key === null ? {} : { authorization: `Bearer ${key}` }) } });
}

/** Another prompt of the fixture's workspace, published to production. */
async function publishAnother(workspaceId: string, slug: string, content: string) {
  const db = database();
  const promptId = newId("prompt");
  const versionId = newId("version");
  await db.insert(prompts).values({ id: promptId, workspaceId, slug, name: slug });
  await db.insert(promptVersions).values({ id: versionId, workspaceId, promptId, versionNumber: 1, kind: "text", content, variables: [], status: "production" });
  await db.insert(environments).values({ workspaceId, promptId, environment: "production", versionId });
  return { promptId, versionId };
}

describe("GET /api/v1/prompts/{slug}", () => {
  it("answers the published version unrendered, with an ETag, and 304 without a body when it has not changed", async () => {
    const fixture = await createPublishedPrompt({ content: "Welcome to {product}", variables: [{ name: "product", type: "string", required: true }] });
    const response = await get(`/api/v1/prompts/${fixture.slug}`, fixture.apiKey);
    expect(response.status).toBe(200);
    const document = promptDocumentSchema.parse(await response.json());
    expect(document).toMatchObject({ slug: fixture.slug, prompt_id: fixture.promptId, version_id: fixture.versionId, version: 1, environment: "production", kind: "text", content: "Welcome to {product}", messages: null, experiment: null });
    expect(document.variables).toEqual([{ name: "product", type: "string", required: true }]);
    expect(document).not.toHaveProperty("workspace_id");
    const etag = response.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);

    const again = await get(`/api/v1/prompts/${fixture.slug}`, fixture.apiKey, { "if-none-match": etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    // A weak comparison, and a list naming it, match too; another tag does not.
    expect((await get(`/api/v1/prompts/${fixture.slug}`, fixture.apiKey, { "if-none-match": `"other", W/${etag}` })).status).toBe(304);
    expect((await get(`/api/v1/prompts/${fixture.slug}`, fixture.apiKey, { "if-none-match": '"other"' })).status).toBe(200);
  });

  it("changes its ETag when another version is published", async () => {
    const fixture = await createPublishedPrompt({ content: "v1" });
    const first = await get(`/api/v1/prompts/${fixture.slug}`, fixture.apiKey);
    const etag = first.headers.get("etag")!;
    const db = database();
    const versionId = newId("version");
    await db.insert(promptVersions).values({ id: versionId, workspaceId: fixture.workspaceId, promptId: fixture.promptId, versionNumber: 2, kind: "text", content: "v2", variables: [], status: "production" });
    await db.update(environments).set({ versionId, updatedAt: new Date() }).where(eq(environments.promptId, fixture.promptId));
    // Postgres only changed: the projection's back-fill entry expires; what a publish writes to KV is covered by the API's tests.
    await env.PROMPTS_KV.delete(kvKeys.publishedPrompt(fixture.workspaceId, "production", fixture.slug));

    const changed = await pollUntil(() => get(`/api/v1/prompts/${fixture.slug}`, fixture.apiKey, { "if-none-match": etag }), (seen) => seen.status === 200);
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as PromptDocument).content).toBe("v2");
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("carries the running experiment's variants with their templates, for local assignment", async () => {
    const fixture = await createPublishedPrompt();
    const { experimentId, treatmentVersionId } = await startExperiment(fixture, [1, 3]);
    const document = promptDocumentSchema.parse(await (await get(`/api/v1/prompts/${fixture.slug}`, fixture.apiKey)).json());
    expect(document.experiment?.id).toBe(experimentId);
    expect(document.experiment?.variants.map((variant) => [variant.key, variant.weight, variant.version.version_id])).toEqual([
      ["control", 1, fixture.versionId],
      ["treatment", 3, treatmentVersionId],
    ]);
    expect(document.experiment?.variants[1]?.version).toMatchObject({ content: "Try {product} today", model_config: { model: "treatment-model" } });
  });

  it("answers 404 for a slug that is not published, or is another workspace's, and refuses keys without the scope or for another environment", async () => {
    const fixture = await createPublishedPrompt();
    const other = await createPublishedPrompt();
    expect((await get(`/api/v1/prompts/never-published`, fixture.apiKey)).status).toBe(404);
    const foreign = await get(`/api/v1/prompts/${other.slug}`, fixture.apiKey);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect((await get(`/api/v1/prompts/${fixture.slug}?env=staging`, fixture.apiKey)).status).toBe(404);

    expect((await get(`/api/v1/prompts/${fixture.slug}`, null)).status).toBe(401);
    const eventsOnly = await createApiKey(fixture.workspaceId, newApiKey(), { scopes: ["events:write"] });
    expect((await get(`/api/v1/prompts/${fixture.slug}`, eventsOnly.apiKey)).status).toBe(403);
    const stagingOnly = await createApiKey(fixture.workspaceId, newApiKey(), { environment: "staging" });
    expect((await get(`/api/v1/prompts/${fixture.slug}`, stagingOnly.apiKey)).status).toBe(403);
    expect((await get(`/api/v1/prompts/${fixture.slug}?env=nowhere`, fixture.apiKey)).status).toBe(400);
    expect((await get(`/api/v1/prompts/bad%20slug`, fixture.apiKey)).status).toBe(400);
  });
});

describe("GET /api/v1/prompts (the bundle)", () => {
  it("holds every prompt the workspace serves in the environment, and no other workspace's", async () => {
    const fixture = await createPublishedPrompt({ content: "first" });
    const second = await publishAnother(fixture.workspaceId, `a-${fixture.slug}`, "second");
    await createPublishedPrompt({ content: "someone else's" });
    const response = await get(`/api/v1/prompts?env=production`, fixture.apiKey);
    expect(response.status).toBe(200);
    const bundle = promptBundleSchema.parse(await response.json());
    expect(bundle.environment).toBe("production");
    // In slug order.
    expect(bundle.prompts.map((prompt) => [prompt.slug, prompt.version_id, prompt.content])).toEqual([
      [`a-${fixture.slug}`, second.versionId, "second"],
      [fixture.slug, fixture.versionId, "first"],
    ]);
    const etag = response.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await get(`/api/v1/prompts`, fixture.apiKey, { "if-none-match": etag })).status).toBe(304);
    // Nothing published to staging: an empty bundle.
    expect(promptBundleSchema.parse(await (await get(`/api/v1/prompts?env=staging`, fixture.apiKey)).json()).prompts).toEqual([]);
  });

  it("filters by repeated slug parameters, and bounds how many", async () => {
    const fixture = await createPublishedPrompt();
    await publishAnother(fixture.workspaceId, `b-${fixture.slug}`, "b");
    const only = promptBundleSchema.parse(await (await get(`/api/v1/prompts?slug=${fixture.slug}&slug=not-there`, fixture.apiKey)).json());
    expect(only.prompts.map((prompt) => prompt.slug)).toEqual([fixture.slug]);
    const tooMany = Array.from({ length: SDK_LIMITS.bundleSlugs + 1 }, (_, index) => `slug=s${index}`).join("&");
    const refused = await get(`/api/v1/prompts?${tooMany}`, fixture.apiKey);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: "VALIDATION_FAILED", message: expect.stringContaining(`at most ${SDK_LIMITS.bundleSlugs}`) } });
  });

  it("refuses a bundle past its size limit with a clear error", async () => {
    const fixture = await createPublishedPrompt();
    // Three prompts of 2 MB each: 6 MB of JSON, past the 5 MiB a bundle holds.
    for (const letter of ["x", "y", "z"]) await publishAnother(fixture.workspaceId, `${letter}-${fixture.slug}`, letter.repeat(2_000_000));
    const response = await get(`/api/v1/prompts`, fixture.apiKey);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: "RESPONSE_TOO_LARGE", message: expect.stringContaining("slug=") } });
    // Asked for less, it is served.
    expect((await get(`/api/v1/prompts?slug=x-${fixture.slug}&slug=y-${fixture.slug}`, fixture.apiKey)).status).toBe(200);
  });
});
