// Snippets at the edge: a prompt that includes another is served from its own projection, whose
// text the API resolved when it was deployed — one KV read of a prompt entry per get-prompt (the
// snippet's entry is never read), and the SDK bundle carries the same resolved text.
import { describe, expect, it } from "vitest";
import { env, exports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { deployments, environments, prompts, promptVersions } from "@xr2/db/schema";
import { kvKeys, newId, promptBundleSchema } from "@xr2/shared";
import { createEdgeApp } from "../app.ts";
import { createPublishedPrompt, database, pollUntil, readProjection } from "../testing/fixtures.ts";

/**
 * A dependent prompt including a published snippet, deployed as the API deploys it: the
 * deployment row pins the snippet's version and holds the resolved text.
 */
async function dependentWithSnippet() {
  const db = database();
  const fixture = await createPublishedPrompt({ content: 'Hello {product}. {% include "sig" %}' });
  const snippetId = newId("prompt");
  const snippetVersionId = newId("version");
  await db.insert(prompts).values({ id: snippetId, workspaceId: fixture.workspaceId, slug: "sig", name: "Signature" });
  await db.insert(promptVersions).values({ id: snippetVersionId, workspaceId: fixture.workspaceId, promptId: snippetId, versionNumber: 1, kind: "text", content: "Regards, {team}", variables: [], status: "production" });
  await db.insert(environments).values({ workspaceId: fixture.workspaceId, promptId: snippetId, environment: "production", versionId: snippetVersionId });
  const deploymentId = newId("deployment");
  await db.insert(deployments).values({
    id: deploymentId,
    workspaceId: fixture.workspaceId,
    promptId: fixture.promptId,
    environment: "production",
    action: "publish",
    toVersionId: fixture.versionId,
    includes: [{ slug: "sig", prompt_id: snippetId, version_id: snippetVersionId, version: 1 }],
    resolved: {
      content: "Hello {product}. Regards, {team}",
      messages: null,
      variables: [
        { name: "product", type: "string", required: false, default: "xR2" },
        { name: "team", type: "string", required: false, default: "the team" },
      ],
    },
  });
  await db.update(environments).set({ deploymentId }).where(eq(environments.promptId, fixture.promptId));
  return fixture;
}

/** The edge with a KV binding that records the keys it is asked for. */
function countingEdge() {
  const reads: string[] = [];
  const kv = env.PROMPTS_KV;
  const counted = { ...env, PROMPTS_KV: { get: (key: string, type: "json") => (reads.push(key), kv.get(key, type)), put: kv.put.bind(kv), delete: kv.delete.bind(kv), list: kv.list.bind(kv) } };
  const app = createEdgeApp();
  return {
    reads,
    async getPrompt(slug: string, apiKey: string) {
      const ctx = createExecutionContext();
      const response = await app.fetch(new Request(`http://edge.test/api/v1/get-prompt/${slug}`, { headers: { authorization: `Bearer ${apiKey}` } }), counted as typeof env, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    },
  };
}

describe("snippets at the edge", () => {
  it("serves the resolved text from one KV read of the prompt's own entry per call", async () => {
    const fixture = await dependentWithSnippet();
    const promptKey = kvKeys.publishedPrompt(fixture.workspaceId, "production", fixture.slug);
    const snippetKey = kvKeys.publishedPrompt(fixture.workspaceId, "production", "sig");
    const edge = countingEdge();
    const promptReads = () => edge.reads.filter((key) => key.startsWith(promptKey.slice(0, promptKey.lastIndexOf(fixture.slug))));

    // First call: KV misses, the API worker answers from Postgres and back-fills the entry.
    const first = await edge.getPrompt(fixture.slug, fixture.apiKey);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { content: string }).content).toBe("Hello xR2. Regards, the team");
    expect(promptReads()).toEqual([promptKey]);
    expect((await pollUntil(() => readProjection(fixture.workspaceId, fixture.slug), (seen) => seen !== null))?.content).toBe("Hello {product}. Regards, {team}");

    // Later calls answer from KV (or the isolate's brief cache): never more than one prompt read each.
    let fromKv = false;
    for (let attempt = 0; attempt < 100 && !fromKv; attempt++) {
      const before = promptReads().length;
      const response = await edge.getPrompt(fixture.slug, fixture.apiKey);
      expect(((await response.json()) as { content: string }).content).toBe("Hello xR2. Regards, the team");
      const read = promptReads().slice(before);
      expect(read.length).toBeLessThanOrEqual(1);
      fromKv = read.length === 1;
      if (!fromKv) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(fromKv).toBe(true);
    expect(edge.reads).not.toContain(snippetKey);

    // A republish serves the SAME version with a newer snippet inlined: the edge must not keep
    // rendering the template it compiled for that version before.
    const projected = (await readProjection(fixture.workspaceId, fixture.slug))!;
    await env.PROMPTS_KV.put(promptKey, JSON.stringify({ ...projected, content: "Hello {product}. Warm regards, {team}", published_at: new Date().toISOString() }));
    const republished = await pollUntil(async () => ((await (await edge.getPrompt(fixture.slug, fixture.apiKey)).json()) as { content: string }).content, (seen) => seen !== "Hello xR2. Regards, the team");
    expect(republished).toBe("Hello xR2. Warm regards, the team");
  });

  it("carries the resolved text in the SDK bundle", async () => {
    const fixture = await dependentWithSnippet();
    const response = await exports.default.fetch("http://edge.test/api/v1/prompts?env=production", { headers: { authorization: `Bearer ${fixture.apiKey}` } });
    expect(response.status).toBe(200);
    const bundle = promptBundleSchema.parse(await response.json());
    expect(bundle.prompts.map((prompt) => [prompt.slug, prompt.content])).toEqual([
      [fixture.slug, "Hello {product}. Regards, {team}"],
      ["sig", "Regards, {team}"],
    ]);
    expect(bundle.prompts[0]?.variables.map((variable) => variable.name)).toEqual(["product", "team"]);
  });
});
