// Snippets inside snippets: a prompt P includes M, which includes S. When S changes, P is stale
// through M (the dependents listing names the path), on S's page and on M's, and the one-click
// republish brings P up to date.
import { describe, expect, it } from "vitest";
import { kvKeys, publishedPromptSchema } from "@xr2/shared";
import { createPrompt, createVersion, uniqueSlug, withContext, workspaceWith, type Actor } from "../prompt-test-support.ts";

async function servedInKv(workspaceId: string, slug: string) {
  const raw = await withContext((ctx) => ctx.kv.get(kvKeys.publishedPrompt(workspaceId, "production", slug), "json"));
  return raw === null ? null : publishedPromptSchema.parse(raw);
}

async function publish(as: Actor, promptId: string, versionId: string) {
  return as.call("PUT", `/api/prompts/${promptId}/versions/${versionId}/publish`, { environment: "production" });
}

async function published(as: Actor, slug: string, content: string) {
  const prompt = await createPrompt(as, { slug });
  const version = await createVersion(as, prompt.id, { content });
  const deployed = await publish(as, prompt.id, version.id);
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
  return { ...prompt, versionId: version.id };
}

interface Listed {
  slug: string;
  stale: boolean;
  path: string[];
  changes: Array<{ path: string[]; pinned: { version: number }; current: { version: number } | null }>;
}

/** Each dependent as [slug, stale, path to the snippet, the changes as "path vPinned→vCurrent"]. */
async function dependents(as: Actor, promptId: string): Promise<Array<[string, boolean, string[], string[]]>> {
  const response = await as.call("GET", `/api/prompts/${promptId}/dependents`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body!.dependents as Listed[]).map((dependent) => [
    dependent.slug,
    dependent.stale,
    dependent.path,
    dependent.changes.map((change) => `${change.path.join(" → ")} v${change.pinned.version}→v${change.current?.version ?? "none"}`),
  ]);
}

describe("snippets inside snippets", () => {
  it("shows P stale through M on S's page, naming the path, and republishes M and P to S's new text", async () => {
    const { owner } = await workspaceWith();
    const s = await published(owner, uniqueSlug("s"), "S one");
    const m = await published(owner, uniqueSlug("m"), `M [{% include "${s.slug}" %}]`);
    const p = await published(owner, uniqueSlug("p"), `P [{% include "${m.slug}" %}]`);
    expect((await servedInKv(owner.workspaceId, p.slug))?.content).toBe("P [M [S one]]");
    expect(await dependents(owner, s.id)).toEqual(
      [
        [m.slug, false, [m.slug, s.slug], []],
        [p.slug, false, [p.slug, m.slug, s.slug], []],
      ].sort(),
    );

    const sV2 = await createVersion(owner, s.id, { content: "S two" });
    expect((await publish(owner, s.id, sV2.id)).status).toBe(200);
    expect(await dependents(owner, s.id)).toEqual(
      [
        [m.slug, true, [m.slug, s.slug], [`${m.slug} → ${s.slug} v1→v2`]],
        [p.slug, true, [p.slug, m.slug, s.slug], [`${p.slug} → ${m.slug} → ${s.slug} v1→v2`]],
      ].sort(),
    );
    // On M's page too: M's version did not change, the text it brings did.
    expect(await dependents(owner, m.id)).toEqual([[p.slug, true, [p.slug, m.slug], [`${p.slug} → ${m.slug} → ${s.slug} v1→v2`]]]);

    const republished = await owner.call("POST", `/api/prompts/${s.id}/dependents/republish`, {});
    expect(republished.status, JSON.stringify(republished.body)).toBe(200);
    expect(republished.body!.results.map((result: { slug: string; status: string }) => [result.slug, result.status]).sort()).toEqual([[m.slug, "deployed"], [p.slug, "deployed"]].sort());
    expect(republished.body!.remaining).toBe(0);
    expect((await servedInKv(owner.workspaceId, m.slug))?.content).toBe("M [S two]");
    expect((await servedInKv(owner.workspaceId, p.slug))?.content).toBe("P [M [S two]]");
    expect((await dependents(owner, s.id)).every(([, stale]) => !stale)).toBe(true);
    expect(await dependents(owner, m.id)).toEqual([[p.slug, false, [p.slug, m.slug], []]]);
    const history = await owner.call("GET", `/api/prompts/${p.id}/deployments`);
    expect(history.body!.deployments[0]).toMatchObject({ note: `Republished with snippet "${s.slug}" v2 (through "${m.slug}")` });
  });

  it("shows P stale on M's page once M alone was republished with S's new text, and republishes P from there", async () => {
    const { owner } = await workspaceWith();
    const s = await published(owner, uniqueSlug("s"), "S one");
    const m = await published(owner, uniqueSlug("m"), `M [{% include "${s.slug}" %}]`);
    const p = await published(owner, uniqueSlug("p"), `P [{% include "${m.slug}" %}]`);
    const sV2 = await createVersion(owner, s.id, { content: "S two" });
    expect((await publish(owner, s.id, sV2.id)).status).toBe(200);
    // M alone deployed again (its own publish of the version it serves).
    expect((await publish(owner, m.id, m.versionId)).status).toBe(200);
    expect((await servedInKv(owner.workspaceId, m.slug))?.content).toBe("M [S two]");

    expect(await dependents(owner, m.id)).toEqual([[p.slug, true, [p.slug, m.slug], [`${p.slug} → ${m.slug} → ${s.slug} v1→v2`]]]);
    const republished = await owner.call("POST", `/api/prompts/${m.id}/dependents/republish`, {});
    expect(republished.body!.results).toEqual([expect.objectContaining({ slug: p.slug, status: "deployed" })]);
    expect((await servedInKv(owner.workspaceId, p.slug))?.content).toBe("P [M [S two]]");
    expect(await dependents(owner, m.id)).toEqual([[p.slug, false, [p.slug, m.slug], []]]);
  });
});
