import { describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { auditLog, prompts, promptTags } from "@xr2/db/schema";
import { kvKeys } from "@xr2/shared";
import { publishVersion } from "../../services/prompts/publish-version.ts";
import { call } from "../../testing/http.ts";
import { createPrompt, createVersion, uniqueSlug, withContext, workspaceWith } from "./prompt-test-support.ts";

function auditRows(workspaceId: string, targetId?: string) {
  return withContext((ctx) =>
    ctx
      .db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspaceId), targetId === undefined ? undefined : eq(auditLog.targetId, targetId)))
      .orderBy(auditLog.createdAt, auditLog.id),
  );
}

describe("creating and reading prompts", () => {
  it("creates a prompt owned by its creator, creates tags named for the first time, and reads it back", async () => {
    const { owner } = await workspaceWith();
    const existing = await owner.call("POST", "/api/tags", { name: "billing", color: "#22C55E" });
    expect(existing.status).toBe(201);
    const slug = uniqueSlug("onboarding.welcome");

    const created = await owner.call("POST", "/api/prompts", { slug, name: "  Welcome  ", description: "First e-mail", tags: ["onboarding", existing.body!.id, "billing"] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^pr_[0-9a-z]{26}$/),
      slug,
      name: "Welcome",
      description: "First e-mail",
      status: "active",
      tags: [
        { id: existing.body!.id, name: "billing", color: "#22c55e" },
        { id: expect.stringMatching(/^tag_/), name: "onboarding", color: expect.stringMatching(/^#[0-9a-f]{6}$/) },
      ],
      owner_id: owner.session.user.id,
      created_by_id: owner.session.user.id,
      archived_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      environments: {},
    });

    const read = await owner.call("GET", `/api/prompts/${created.body!.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const audit = await auditRows(owner.workspaceId);
    expect(audit.map((row) => row.action)).toEqual(["workspace.create", "tag.create", "tag.create", "prompt.create"]);
    expect(audit.at(-1)).toMatchObject({ actorUserId: owner.session.user.id, targetId: created.body!.id, after: { slug, name: "Welcome", owner_id: owner.session.user.id } });
  });

  it("refuses a taken slug with 409 (naming an archived holder), but the same slug is free in another workspace", async () => {
    const { owner } = await workspaceWith();
    const { owner: other } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const again = await owner.call("POST", "/api/prompts", { slug: prompt.slug, name: "Copy" });
    expect(again.status).toBe(409);
    expect(again.body!.error.code).toBe("CONFLICT");

    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}`)).status).toBe(204);
    const archived = await owner.call("POST", "/api/prompts", { slug: prompt.slug, name: "Copy" });
    expect(archived.status).toBe(409);
    expect(archived.body!.error.message).toContain("archived");

    expect((await other.call("POST", "/api/prompts", { slug: prompt.slug, name: "Theirs" })).status).toBe(201);
  });

  it("answers 400, never 500, to bad input", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const bad: Array<[string, string, unknown]> = [
      ["POST", "/api/prompts", { slug: "Upper", name: "x" }],
      ["POST", "/api/prompts", { slug: "has space", name: "x" }],
      ["POST", "/api/prompts", { slug: "..", name: "x" }],
      ["POST", "/api/prompts", { slug: "-leading", name: "x" }],
      ["POST", "/api/prompts", { slug: "", name: "x" }],
      ["POST", "/api/prompts", { slug: "a".repeat(129), name: "x" }],
      ["POST", "/api/prompts", { slug: "ok", name: "   " }],
      ["POST", "/api/prompts", { slug: "ok", name: "x".repeat(201) }],
      ["POST", "/api/prompts", { slug: "ok", name: "x", description: "d".repeat(2001) }],
      ["POST", "/api/prompts", { slug: "ok", name: "x", tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }],
      ["POST", "/api/prompts", { slug: "ok", name: "x", tags: ["x".repeat(65)] }],
      ["POST", "/api/prompts", { slug: "ok", name: "x", tags: "onboarding" }],
      ["POST", "/api/prompts", { slug: 42, name: "x" }],
      // /api/prompts/export, /import and /bulk are routes: those slugs could never be read by slug.
      ["POST", "/api/prompts", { slug: "export", name: "x" }],
      ["POST", "/api/prompts", { slug: "bulk", name: "x" }],
      ["POST", "/api/prompts", { slug: "ok", name: "x", owner_id: "usr_x" }],
      ["POST", "/api/prompts", ["not", "an", "object"]],
      ["PATCH", `/api/prompts/${prompt.id}`, {}],
      ["PATCH", `/api/prompts/${prompt.id}`, { slug: "renamed" }],
      ["PATCH", `/api/prompts/${prompt.id}`, { status: "deleted" }],
      ["PATCH", `/api/prompts/${prompt.id}`, { owner_id: "usr_not_a_member" }],
      ["PATCH", `/api/prompts/${prompt.id}`, { name: null }],
      ["GET", `/api/prompts/${"p".repeat(129)}`, undefined],
    ];
    for (const [method, path, body] of bad) {
      const response = await owner.call(method, path, body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}`).toBe(400);
      expect(response.body!.error.code).toBe("VALIDATION_FAILED");
    }
    // In words, naming the field, in the same envelope (workers/shared/src/validation-messages.ts).
    const worded: Array<[unknown, string]> = [
      [{ slug: "ok", name: "   " }, "name: must not be empty"],
      [{ slug: "ok", name: "x".repeat(201) }, "name: must be at most 200 characters"],
      [{ slug: "ok", name: "x", tags: "onboarding" }, "tags: must be a list, not text"],
      [{ name: "x" }, "slug: is required"],
      [["not", "an", "object"], "body: must be an object with named fields, not a list"],
      [{ slug: "ok", name: "x", owner_id: "usr_x" }, "body: has a field this request does not accept: owner_id"],
    ];
    for (const [body, message] of worded) {
      const response = await owner.call("POST", "/api/prompts", body);
      expect(response.body, JSON.stringify(body).slice(0, 80)).toMatchObject({ error: { code: "VALIDATION_FAILED", message, request_id: expect.any(String), details: [expect.objectContaining({ message: message.slice(message.indexOf(": ") + 2) })] } });
    }
    const malformed = await call("POST", "/api/prompts", { token: owner.session.access_token, workspaceId: owner.workspaceId, rawBody: "{\"slug\": " });
    expect(malformed.status).toBe(400);
    const huge = await call("POST", "/api/prompts", { token: owner.session.access_token, workspaceId: owner.workspaceId, rawBody: JSON.stringify({ slug: "ok", name: "x", description: "d".repeat(1_100_000) }) });
    expect(huge.status).toBe(413);
    const noWorkspace = await call("GET", "/api/prompts", { token: owner.session.access_token });
    expect(noWorkspace.status).toBe(400);
    expect((await call("GET", "/api/prompts", { workspaceId: owner.workspaceId })).status).toBe(401);
  });
});

describe("changing prompts", () => {
  it("renames, re-describes, replaces tags and hands the prompt to another member, with before/after in the audit log", async () => {
    const { owner, members } = await workspaceWith("member");
    const [member] = members;
    const prompt = await createPrompt(owner, { description: "Old text", tags: ["a", "b"] });
    const tagB = prompt.tags.find((tag) => tag.name === "b")!;

    const updated = await member.call("PATCH", `/api/prompts/${prompt.id}`, { name: "Renamed", description: null, tags: [tagB.id, "c"], owner_id: member.session.user.id });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ id: prompt.id, slug: prompt.slug, name: "Renamed", description: null, owner_id: member.session.user.id, status: "active" });
    expect(updated.body!.tags.map((tag: { name: string }) => tag.name)).toEqual(["b", "c"]);
    expect(Date.parse(updated.body!.updated_at)).toBeGreaterThanOrEqual(Date.parse(prompt.updated_at as string));

    const [change] = (await auditRows(owner.workspaceId, prompt.id)).filter((row) => row.action === "prompt.update");
    expect(change).toMatchObject({
      actorUserId: member.session.user.id,
      before: { name: "Welcome e-mail", description: "Old text", owner_id: owner.session.user.id },
      after: { name: "Renamed", description: null, owner_id: member.session.user.id },
    });
    expect((change!.after as { tags: string[] }).tags).toHaveLength(2);

    // A change to nothing writes nothing.
    const before = (await auditRows(owner.workspaceId, prompt.id)).length;
    expect((await member.call("PATCH", `/api/prompts/${prompt.id}`, { name: "Renamed" })).status).toBe(200);
    expect(await auditRows(owner.workspaceId, prompt.id)).toHaveLength(before);
  });

  it("DELETE archives (soft, idempotent): the prompt leaves the default list, refuses new versions, and PATCH restores it", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const draft = await createVersion(owner, prompt.id);

    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}`)).status).toBe(204);
    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}`)).status).toBe(204);
    const read = await owner.call("GET", `/api/prompts/${prompt.id}`);
    expect(read.body).toMatchObject({ status: "archived", archived_at: expect.any(String) });
    expect((await owner.call("GET", "/api/prompts")).body!.prompts).toEqual([]);
    expect((await owner.call("GET", "/api/prompts?status=archived")).body!.prompts.map((p: { id: string }) => p.id)).toEqual([prompt.id]);
    // Its versions are frozen while it is archived.
    expect((await owner.call("POST", `/api/prompts/${prompt.id}/versions`, { content: "x" })).status).toBe(409);
    expect((await owner.call("PATCH", `/api/prompts/${prompt.id}/versions/${draft.id}`, { content: "x" })).status).toBe(409);
    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}/versions/${draft.id}`)).status).toBe(409);
    expect((await owner.call("GET", `/api/prompts/${prompt.id}/versions`)).body!.versions).toHaveLength(1);

    const restored = await owner.call("PATCH", `/api/prompts/${prompt.id}`, { status: "active" });
    expect(restored.body).toMatchObject({ status: "active", archived_at: null });
    expect((await auditRows(owner.workspaceId, prompt.id)).map((row) => row.action)).toEqual(["prompt.create", "prompt.archive", "prompt.unarchive"]);
  });

  it("archiving removes the prompt from the edge's KV and unarchiving puts it back", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const version = await createVersion(owner, prompt.id);
    await withContext(async (ctx) => {
      await publishVersion({ ctx, input: { workspaceId: owner.workspaceId, promptId: prompt.id, versionId: version.id, environment: "production", actorUserId: owner.session.user.id } });
      const key = kvKeys.publishedPrompt(owner.workspaceId, "production", prompt.slug);
      expect(await ctx.kv.get(key, "json")).toMatchObject({ version_id: version.id });
      expect((await owner.call("GET", `/api/prompts/${prompt.id}`)).body!.environments).toEqual({ production: { version_id: version.id, version_number: 1, updated_at: expect.any(String) } });

      expect((await owner.call("DELETE", `/api/prompts/${prompt.id}`)).status).toBe(204);
      expect(await ctx.kv.get(key)).toBeNull();
      expect((await owner.call("PATCH", `/api/prompts/${prompt.id}`, { status: "active" })).status).toBe(200);
      expect(await ctx.kv.get(key, "json")).toMatchObject({ version_id: version.id });
    });
  });
});

describe("prompt permissions and tenancy", () => {
  it("lets viewers read but not write", async () => {
    const { owner, members } = await workspaceWith("viewer");
    const [viewer] = members;
    const prompt = await createPrompt(owner);
    expect((await viewer.call("GET", "/api/prompts")).status).toBe(200);
    expect((await viewer.call("GET", `/api/prompts/${prompt.id}`)).status).toBe(200);
    for (const [method, path, body] of [
      ["POST", "/api/prompts", { slug: uniqueSlug(), name: "x" }],
      ["PATCH", `/api/prompts/${prompt.id}`, { name: "x" }],
      ["DELETE", `/api/prompts/${prompt.id}`, undefined],
      ["POST", "/api/prompts/bulk", { action: "archive", prompt_ids: [prompt.id] }],
    ] as const) {
      const response = await viewer.call(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    expect((await owner.call("GET", `/api/prompts/${prompt.id}`)).body).toMatchObject({ name: "Welcome e-mail", status: "active" });
  });

  it("answers 404 for another workspace's prompt on every route, and changes nothing", async () => {
    const { owner: theirs } = await workspaceWith();
    const { owner: mine } = await workspaceWith();
    const prompt = await createPrompt(theirs, { tags: ["secret"] });
    const version = await createVersion(theirs, prompt.id);
    for (const [method, path, body] of [
      ["GET", `/api/prompts/${prompt.id}`, undefined],
      ["PATCH", `/api/prompts/${prompt.id}`, { name: "Mine now" }],
      ["DELETE", `/api/prompts/${prompt.id}`, undefined],
      ["GET", `/api/prompts/${prompt.id}/versions`, undefined],
      ["POST", `/api/prompts/${prompt.id}/versions`, { content: "x" }],
      ["GET", `/api/prompts/${prompt.id}/versions/${version.id}`, undefined],
      ["PATCH", `/api/prompts/${prompt.id}/versions/${version.id}`, { content: "x" }],
      ["DELETE", `/api/prompts/${prompt.id}/versions/${version.id}`, undefined],
      ["GET", `/api/prompts/${prompt.id}/diff?to=${version.id}`, undefined],
    ] as const) {
      // As a member of another workspace, and as a non-member naming the owner's workspace.
      expect((await mine.call(method, path, body)).status, `${method} ${path}`).toBe(404);
      expect((await mine.call(method, path, body, theirs.workspaceId)).status, `${method} ${path} (their header)`).toBe(404);
    }
    // Their tag cannot be attached to my prompt either.
    expect((await mine.call("POST", "/api/prompts", { slug: uniqueSlug(), name: "x", tags: [prompt.tags[0]!.id] })).status).toBe(404);
    expect((await mine.call("GET", "/api/prompts")).body!.prompts).toEqual([]);
    const after = await theirs.call("GET", `/api/prompts/${prompt.id}`);
    expect(after.body).toMatchObject({ name: "Welcome e-mail", status: "active" });
    expect((await theirs.call("GET", `/api/prompts/${prompt.id}/versions/${version.id}`)).body).toMatchObject({ content: "Hello {name}" });
  });
});

describe("bulk changes", () => {
  it("archives, tags, untags and unarchives several prompts, reporting foreign and unknown ids as not_found without touching them", async () => {
    const { owner } = await workspaceWith();
    const { owner: other } = await workspaceWith();
    const [a, b] = [await createPrompt(owner), await createPrompt(owner)];
    const foreign = await createPrompt(other);
    const ids = [a.id, foreign.id, b.id, "pr_00000000000000000000000000"];

    const archived = await owner.call("POST", "/api/prompts/bulk", { action: "archive", prompt_ids: ids });
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    expect(archived.body).toEqual({
      action: "archive",
      updated: 2,
      results: [
        { prompt_id: a.id, outcome: "updated" },
        { prompt_id: foreign.id, outcome: "not_found" },
        { prompt_id: b.id, outcome: "updated" },
        { prompt_id: "pr_00000000000000000000000000", outcome: "not_found" },
      ],
    });
    const again = await owner.call("POST", "/api/prompts/bulk", { action: "archive", prompt_ids: [a.id] });
    expect(again.body!.results).toEqual([{ prompt_id: a.id, outcome: "unchanged" }]);

    const tagged = await owner.call("POST", "/api/prompts/bulk", { action: "tag", prompt_ids: ids, tag: "q3-campaign" });
    expect(tagged.body).toMatchObject({ tag: { name: "q3-campaign" }, updated: 2 });
    const tagId = tagged.body!.tag.id as string;
    expect((await owner.call("POST", "/api/prompts/bulk", { action: "tag", prompt_ids: [a.id], tag: tagId })).body!.results).toEqual([{ prompt_id: a.id, outcome: "unchanged" }]);
    const untagged = await owner.call("POST", "/api/prompts/bulk", { action: "untag", prompt_ids: [a.id], tag: "q3-campaign" });
    expect(untagged.body!.results).toEqual([{ prompt_id: a.id, outcome: "updated" }]);
    const unarchived = await owner.call("POST", "/api/prompts/bulk", { action: "unarchive", prompt_ids: [a.id, b.id] });
    expect(unarchived.body!.updated).toBe(2);

    const list = await owner.call("GET", `/api/prompts?tag=${tagId}`);
    expect(list.body!.prompts.map((p: { id: string }) => p.id)).toEqual([b.id]);
    const theirs = await other.call("GET", `/api/prompts/${foreign.id}`);
    expect(theirs.body).toMatchObject({ status: "active", tags: [] });

    await withContext(async (ctx) => {
      const links = await ctx.db().select().from(promptTags).where(eq(promptTags.promptId, foreign.id));
      expect(links).toEqual([]);
      const audit = await ctx.db().select({ action: auditLog.action, targetId: auditLog.targetId }).from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.targetId, a.id)));
      expect(audit.map((row) => row.action).sort()).toEqual(["prompt.archive", "prompt.create", "prompt.tag", "prompt.unarchive", "prompt.untag"].sort());
    });
  });

  it("moves prompts to another workspace: copied there with versions (drafts) and tags, originals archived and off the edge, audited in both; a taken slug is a per-prompt conflict", async () => {
    const { owner } = await workspaceWith();
    const { owner: other } = await workspaceWith();
    const target = (await call("POST", "/api/workspaces", { token: owner.session.access_token, body: { name: "Target team" } })).body!.id as string;
    const live = await createPrompt(owner, { tags: ["onboarding"], description: "Sent after sign-up" });
    const v1 = await createVersion(owner, live.id, { content: "Hello {name}" });
    await createVersion(owner, live.id, { messages: [{ role: "user", content: "Hi {name}" }] });
    await withContext((ctx) => publishVersion({ ctx, input: { workspaceId: owner.workspaceId, promptId: live.id, versionId: v1.id, environment: "production", actorUserId: owner.session.user.id } }));
    const plain = await createPrompt(owner);
    const clashing = await createPrompt(owner);
    expect((await owner.call("POST", "/api/prompts", { slug: clashing.slug, name: "Already there" }, target)).status).toBe(201);
    const foreign = await createPrompt(other);
    const unknown = "pr_00000000000000000000000000";

    const moved = await owner.call("POST", "/api/prompts/bulk", { action: "move", prompt_ids: [live.id, foreign.id, clashing.id, plain.id, unknown], target_workspace_id: target });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toEqual({
      action: "move",
      target_workspace_id: target,
      updated: 2,
      results: [
        { prompt_id: live.id, outcome: "moved", target_prompt_id: expect.stringMatching(/^pr_/) },
        { prompt_id: foreign.id, outcome: "not_found" },
        { prompt_id: clashing.id, outcome: "conflict", message: expect.stringContaining(clashing.slug) },
        { prompt_id: plain.id, outcome: "moved", target_prompt_id: expect.stringMatching(/^pr_/) },
        { prompt_id: unknown, outcome: "not_found" },
      ],
    });
    const liveCopy = moved.body!.results[0].target_prompt_id as string;

    // In the target: same slug, name, description and tags; every version, as drafts; nothing published.
    const copy = await owner.call("GET", `/api/prompts/${liveCopy}`, undefined, target);
    expect(copy.body).toMatchObject({ slug: live.slug, name: live.name, description: "Sent after sign-up", status: "active", environments: {} });
    expect(copy.body!.tags.map((tag: { name: string }) => tag.name)).toEqual(["onboarding"]);
    const versions = await owner.call("GET", `/api/prompts/${liveCopy}/versions`, undefined, target);
    expect(versions.body!.versions.map((version: { version_number: number; status: string }) => [version.version_number, version.status]).sort()).toEqual([
      [1, "draft"],
      [2, "draft"],
    ]);
    // In the source: archived (so no longer served), history kept; the conflicting one untouched.
    for (const id of [live.id, plain.id]) expect((await owner.call("GET", `/api/prompts/${id}`)).body).toMatchObject({ status: "archived" });
    expect((await owner.call("GET", `/api/prompts/${clashing.id}`)).body).toMatchObject({ status: "active" });
    expect((await owner.call("GET", `/api/prompts/${live.id}/deployments`)).body!.deployments).toHaveLength(1);
    expect(await withContext((ctx) => ctx.kv.get(kvKeys.publishedPrompt(owner.workspaceId, "production", live.slug)))).toBeNull();
    expect((await other.call("GET", `/api/prompts/${foreign.id}`)).body).toMatchObject({ status: "active" });
    const inTarget = (await owner.call("GET", "/api/prompts", undefined, target)).body!.prompts.map((prompt: { slug: string }) => prompt.slug).sort();
    expect(inTarget).toEqual([live.slug, clashing.slug, plain.slug].sort());

    const link = { source_workspace_id: owner.workspaceId, source_prompt_id: live.id, target_workspace_id: target, target_prompt_id: liveCopy };
    expect((await auditRows(target, liveCopy)).map((row) => [row.action, row.after])).toEqual([
      ["prompt.move_in", { ...link, slug: live.slug, name: live.name, tags: ["onboarding"], version_numbers: [1, 2], status: "active" }],
    ]);
    expect((await auditRows(owner.workspaceId, live.id)).filter((row) => row.action === "prompt.move_out").map((row) => [row.before, row.after])).toEqual([[{ status: "active" }, { ...link, status: "archived" }]]);
    expect(await auditRows(owner.workspaceId, clashing.id)).toHaveLength(1);
  });

  it("moves only into a workspace where the caller may write prompts: 404 when not a member, 403 as a viewer, 400 to the same workspace", async () => {
    const { owner: targetOwner, members } = await workspaceWith("viewer");
    const [viewer] = members;
    const viewersOwn = (await call("POST", "/api/workspaces", { token: viewer.session.access_token, body: { name: "Viewer's own" } })).body!.id as string;
    const prompt = await createPrompt({ ...viewer, workspaceId: viewersOwn, call: (method, path, body) => viewer.call(method, path, body, viewersOwn) });
    const move = (target: string) => viewer.call("POST", "/api/prompts/bulk", { action: "move", prompt_ids: [prompt.id], target_workspace_id: target }, viewersOwn);

    const asViewer = await move(targetOwner.workspaceId);
    expect(asViewer.status, JSON.stringify(asViewer.body)).toBe(403);
    expect(asViewer.body!.error.code).toBe("FORBIDDEN");
    const { owner: stranger } = await workspaceWith();
    for (const target of [stranger.workspaceId, "ws_01jnotaworkspace0000000000", "nonsense"]) {
      const response = await move(target);
      expect(response.status, `${target}: ${JSON.stringify(response.body)}`).toBe(404);
      expect(response.body!.error.message).toBe("Workspace not found");
    }
    expect((await move(viewersOwn)).status).toBe(400);
    // A viewer of the source may not move out of it either.
    expect((await viewer.call("POST", "/api/prompts/bulk", { action: "move", prompt_ids: [prompt.id], target_workspace_id: viewersOwn })).status).toBe(403);

    expect((await viewer.call("GET", `/api/prompts/${prompt.id}`, undefined, viewersOwn)).body).toMatchObject({ status: "active" });
    for (const workspaceId of [targetOwner.workspaceId, stranger.workspaceId]) {
      expect(await withContext((ctx) => ctx.db().select().from(prompts).where(eq(prompts.workspaceId, workspaceId)))).toEqual([]);
    }
  });

  it("validates the request and changes nothing when the tag to remove does not exist", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner, { tags: ["keep"] });
    for (const body of [
      { action: "archive", prompt_ids: [] },
      { action: "archive", prompt_ids: Array.from({ length: 101 }, (_, i) => `pr_${i}`) },
      { action: "archive", prompt_ids: [prompt.id, prompt.id] },
      { action: "tag", prompt_ids: [prompt.id] },
      { action: "archive", prompt_ids: [prompt.id], tag: "x" },
      { action: "delete", prompt_ids: [prompt.id] },
      { action: "move", prompt_ids: [prompt.id], workspace_id: "ws_x" },
      { prompt_ids: [prompt.id] },
    ]) {
      expect((await owner.call("POST", "/api/prompts/bulk", body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await owner.call("POST", "/api/prompts/bulk", { action: "untag", prompt_ids: [prompt.id], tag: "never-existed" })).status).toBe(404);
    const [row] = await withContext((ctx) => ctx.db().select().from(prompts).where(inArray(prompts.id, [prompt.id])));
    expect(row).toMatchObject({ status: "active" });
    expect((await owner.call("GET", `/api/prompts/${prompt.id}`)).body!.tags.map((tag: { name: string }) => tag.name)).toEqual(["keep"]);
  });
});
