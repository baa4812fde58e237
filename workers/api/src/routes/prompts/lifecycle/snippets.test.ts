// Snippets ({% include "slug" %}): resolved on deploy from the same environment, pinned on the
// deployment, refused for unknown slugs (also another workspace's), cycles and deep nesting; a
// snippet's dependents listed with staleness and republished in one call, through the approval rule.
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, workspaces } from "@xr2/db/schema";
import { kvKeys, publishedPromptSchema } from "@xr2/shared";
import { createPrompt, createVersion, uniqueSlug, withContext, workspaceWith, type Actor } from "../prompt-test-support.ts";

async function servedInKv(workspaceId: string, slug: string, environment: "production" | "staging" = "production") {
  const raw = await withContext((ctx) => ctx.kv.get(kvKeys.publishedPrompt(workspaceId, environment, slug), "json"));
  return raw === null ? null : publishedPromptSchema.parse(raw);
}

async function publish(as: Actor, promptId: string, versionId: string, environment = "production") {
  return as.call("PUT", `/api/prompts/${promptId}/versions/${versionId}/publish`, { environment });
}

/** A prompt with one version of `content`, published to production. */
async function published(as: Actor, slug: string, content: string, variables?: unknown[]) {
  const prompt = await createPrompt(as, { slug });
  const version = await createVersion(as, prompt.id, { content, ...(variables ? { variables } : {}) });
  const deployed = await publish(as, prompt.id, version.id);
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
  return { ...prompt, versionId: version.id };
}

describe("snippets", () => {
  it("inlines the snippet version the same environment serves, pins it, and shows it in the history and the diff", async () => {
    const { owner } = await workspaceWith();
    const signature = uniqueSlug("signature");
    const snippet = await createPrompt(owner, { slug: signature });
    const snippetV1 = await createVersion(owner, snippet.id, { content: "Regards, {team}", variables: [{ name: "team", type: "string", required: false, default: "the xR2 team" }] });
    const page = await createPrompt(owner, { slug: uniqueSlug("welcome") });
    const pageV1 = await createVersion(owner, page.id, { content: `Hello {name}.\n{% include "${signature}" %}` });

    // Nothing of the snippet is live yet: refused, naming it and the environment.
    const early = await publish(owner, page.id, pageV1.id);
    expect(early.status).toBe(409);
    expect(early.body!.error.message).toBe(`Snippet "${signature}" has nothing published in production; publish it to production first`);

    expect((await publish(owner, snippet.id, snippetV1.id)).status).toBe(200);
    const deployed = await publish(owner, page.id, pageV1.id);
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
    const served = await servedInKv(owner.workspaceId, page.slug);
    expect(served).toMatchObject({ version_id: pageV1.id, content: "Hello {name}.\nRegards, {team}" });
    expect(served?.variables.map((variable) => variable.name)).toEqual(["team"]);

    // Staging of the snippet serves nothing: the page cannot go to staging.
    const staging = await publish(owner, page.id, pageV1.id, "staging");
    expect(staging.status).toBe(409);
    expect(staging.body!.error.message).toContain("nothing published in staging");

    const history = await owner.call("GET", `/api/prompts/${page.id}/deployments`);
    expect(history.body!.deployments[0].includes).toEqual([{ slug: signature, prompt_id: snippet.id, version_id: snippetV1.id, version: 1 }]);
    const pageV2 = await createVersion(owner, page.id, { content: "Hello {name}." });
    const diff = await owner.call("GET", `/api/prompts/${page.id}/diff?from=${pageV1.id}&to=${pageV2.id}`);
    expect(diff.status).toBe(200);
    expect(diff.body!.includes).toEqual({ from: [{ slug: signature, pinned: [{ environment: "production", version_id: snippetV1.id, version: 1 }] }], to: [] });
  });

  it("lists the dependents with their pinned version, and republishes the stale ones in one call", async () => {
    const { owner } = await workspaceWith();
    const footer = await published(owner, uniqueSlug("footer"), "Footer one");
    const first = await published(owner, uniqueSlug("first"), `First. {% include "${footer.slug}" %}`);
    const second = await published(owner, uniqueSlug("second"), `Second. {% include "${footer.slug}" %}`);
    const fresh = await owner.call("GET", `/api/prompts/${footer.id}/dependents`);
    expect(fresh.status).toBe(200);
    expect(fresh.body!.dependents).toHaveLength(2);
    expect(fresh.body!.dependents.every((dependent: { stale: boolean; pinned: { version: number } }) => !dependent.stale && dependent.pinned.version === 1)).toBe(true);

    const footerV2 = await createVersion(owner, footer.id, { content: "Footer two" });
    expect((await publish(owner, footer.id, footerV2.id)).status).toBe(200);
    const stale = await owner.call("GET", `/api/prompts/${footer.id}/dependents`);
    expect(stale.body!.dependents.map((dependent: { slug: string; stale: boolean; current: { version: number } }) => [dependent.slug, dependent.stale, dependent.current.version]).sort()).toEqual(
      [
        [first.slug, true, 2],
        [second.slug, true, 2],
      ].sort(),
    );
    // The edge still serves the pinned text until they are republished.
    expect((await servedInKv(owner.workspaceId, first.slug))?.content).toBe("First. Footer one");

    const republished = await owner.call("POST", `/api/prompts/${footer.id}/dependents/republish`, {});
    expect(republished.status, JSON.stringify(republished.body)).toBe(200);
    expect(republished.body!.results.map((result: { status: string }) => result.status)).toEqual(["deployed", "deployed"]);
    expect((await servedInKv(owner.workspaceId, first.slug))?.content).toBe("First. Footer two");
    expect((await servedInKv(owner.workspaceId, second.slug))?.content).toBe("Second. Footer two");
    const after = await owner.call("GET", `/api/prompts/${footer.id}/dependents`);
    expect(after.body!.dependents.every((dependent: { stale: boolean; pinned: { version: number } }) => !dependent.stale && dependent.pinned.version === 2)).toBe(true);

    const history = await owner.call("GET", `/api/prompts/${first.id}/deployments`);
    expect(history.body!.deployments).toHaveLength(2);
    expect(history.body!.deployments[0]).toMatchObject({ action: "publish", to_version_id: first.versionId, note: `Republished with snippet "${footer.slug}" v2`, includes: [{ slug: footer.slug, version: 2 }] });
    const audits = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.targetId, first.id), eq(auditLog.action, "prompt.publish"))));
    expect(audits).toHaveLength(2);

    // Nothing stale: nothing to do.
    expect((await owner.call("POST", `/api/prompts/${footer.id}/dependents/republish`, {})).body!.results).toEqual([]);
  });

  it("asks for an Admin's approval instead of republishing to production when the workspace requires it", async () => {
    const { owner, members } = await workspaceWith("member");
    const [member] = members;
    const footer = await published(owner, uniqueSlug("footer"), "Footer one");
    const page = await published(owner, uniqueSlug("page"), `Page. {% include "${footer.slug}" %}`);
    const footerV2 = await createVersion(owner, footer.id, { content: "Footer two" });
    expect((await publish(owner, footer.id, footerV2.id)).status).toBe(200);
    await withContext((ctx) => ctx.db().update(workspaces).set({ requireProductionApproval: true }).where(eq(workspaces.id, owner.workspaceId)));

    const republished = await member.call("POST", `/api/prompts/${footer.id}/dependents/republish`, {});
    expect(republished.status).toBe(200);
    expect(republished.body!.results).toEqual([expect.objectContaining({ slug: page.slug, status: "pending_approval", deployment_id: null, message: "production needs an Admin's approval: a request was sent" })]);
    expect((await servedInKv(owner.workspaceId, page.slug))?.content).toBe("Page. Footer one");
    const approvals = await owner.call("GET", `/api/approvals?prompt_id=${page.id}`);
    expect(approvals.body!.approvals).toHaveLength(1);
    // The request asks for the version already served: what changes is the snippet, and the inbox says so.
    expect(approvals.body!.approvals[0]).toMatchObject({ deployed_version_id: approvals.body!.approvals[0].version_id, snippet_changes: [{ slug: footer.slug, from_version: 1, to_version: 2 }] });
  });

  it("refuses an include cycle, naming it", async () => {
    const { owner } = await workspaceWith();
    const a = uniqueSlug("a");
    const b = await published(owner, uniqueSlug("b"), "B alone");
    await published(owner, a, `A then {% include "${b.slug}" %}`);
    const bV2 = await createVersion(owner, b.id, { content: `B then {% include "${a}" %}` });
    const refused = await publish(owner, b.id, bV2.id);
    expect(refused.status).toBe(400);
    expect(refused.body!.error.message).toBe(`Include cycle: ${b.slug} → ${a} → ${b.slug}; a snippet cannot include a prompt that includes it`);
  });

  it("refuses a prompt including itself when it is saved", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner, { slug: uniqueSlug("self") });
    const refused = await owner.call("POST", `/api/prompts/${prompt.id}/versions`, { content: `Me: {% include "${prompt.slug}" %}` });
    expect(refused.status).toBe(400);
    expect(refused.body!.error.message).toBe(`{% include "${prompt.slug}" %}: a prompt cannot include itself`);
  });

  it("resolves includes inside includes up to 3 levels, and refuses a fourth", async () => {
    const { owner } = await workspaceWith();
    const level4 = await published(owner, uniqueSlug("l4"), "four");
    const level3 = await published(owner, uniqueSlug("l3"), `three {% include "${level4.slug}" %}`);
    const level2 = await published(owner, uniqueSlug("l2"), `two {% include "${level3.slug}" %}`);
    const level1 = await published(owner, uniqueSlug("l1"), `one {% include "${level2.slug}" %}`);
    expect((await servedInKv(owner.workspaceId, level1.slug))?.content).toBe("one two three four");
    const history = await owner.call("GET", `/api/prompts/${level1.id}/deployments`);
    expect(history.body!.deployments[0].includes.map((pin: { slug: string }) => pin.slug)).toEqual([level2.slug, level3.slug, level4.slug]);

    const top = await createPrompt(owner, { slug: uniqueSlug("l0") });
    const topV1 = await createVersion(owner, top.id, { content: `zero {% include "${level1.slug}" %}` });
    const refused = await publish(owner, top.id, topV1.id);
    expect(refused.status).toBe(400);
    expect(refused.body!.error.message).toBe(`Includes nest too deep: ${top.slug} → ${level1.slug} → ${level2.slug} → ${level3.slug} → ${level4.slug}; at most 3 levels of snippets are allowed`);
  });

  it("refuses an unknown slug on save, another workspace's snippet included, and a malformed tag", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const theirs = await published(stranger, uniqueSlug("theirs"), "Not yours");
    const prompt = await createPrompt(owner, { slug: uniqueSlug("mine") });
    for (const slug of ["no-such-snippet", theirs.slug]) {
      const refused = await owner.call("POST", `/api/prompts/${prompt.id}/versions`, { content: `x {% include "${slug}" %}` });
      expect(refused.status).toBe(400);
      expect(refused.body!.error.message).toBe(`{% include "${slug}" %}: there is no prompt with the slug "${slug}" in this workspace`);
    }
    // A draft saved with a malformed tag (drafts may have template errors) cannot be published.
    const malformed = await createVersion(owner, prompt.id, { content: "x {% include footer %}" });
    const refused = await publish(owner, prompt.id, malformed.id);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body!.error.details)).toContain('expected {% include \\"slug\\" %}');
    // Another workspace's snippet has no dependents to list here.
    expect((await owner.call("GET", `/api/prompts/${theirs.id}/dependents`)).status).toBe(404);
  });

  it("refuses to start an experiment with a variant that includes snippets (served unresolved otherwise)", async () => {
    const { owner } = await workspaceWith();
    const footer = await published(owner, uniqueSlug("footer"), "the footer");
    const page = await published(owner, uniqueSlug("page"), "Page without");
    const including = await createVersion(owner, page.id, { content: `Another page with {% include "${footer.slug}" %}` });
    expect((await publish(owner, footer.id, footer.versionId, "development")).status).toBe(200);
    expect((await publish(owner, page.id, including.id, "development")).status).toBe(200);
    const created = await owner.call("POST", "/api/experiments", { prompt_id: page.id, environment: "production", name: "Footer or not", primary_event: "signup", variants: [{ version_id: page.versionId, weight: 50 }, { version_id: including.id, weight: 50 }] });
    const started = created.status === 201 ? await owner.call("POST", `/api/experiments/${created.body!.id}/start`) : created;
    expect(started.status).toBe(409);
    expect(started.body!.error.message).toBe(`Version ${including.version_number} includes snippets ({% include %}); experiments cannot serve versions with snippets yet, so use variants without includes`);
  });
});
