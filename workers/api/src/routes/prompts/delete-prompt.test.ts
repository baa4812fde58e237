/** DELETE ?permanent=true (delete a never-published prompt for good) and duplicating a prompt in its own workspace. */
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, prompts, promptVersions } from "@xr2/db/schema";
import { kvKeys } from "@xr2/shared";
import { publishVersion } from "../../services/prompts/publish-version.ts";
import { createPrompt, createVersion, uniqueSlug, withContext, workspaceWith } from "./prompt-test-support.ts";

describe("deleting a prompt for good", () => {
  it("deletes a never-published prompt with its drafts, frees its slug and records one audit row", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner, { tags: ["drafts"] });
    await createVersion(owner, prompt.id);
    await createVersion(owner, prompt.id, { content: "Second draft" });

    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}?permanent=true`)).status).toBe(204);
    expect((await owner.call("GET", `/api/prompts/${prompt.id}`)).status).toBe(404);
    expect((await owner.call("GET", "/api/prompts")).body!.prompts).toEqual([]);
    expect((await owner.call("GET", "/api/prompts?status=archived")).body!.prompts).toEqual([]);
    await withContext(async (ctx) => {
      expect(await ctx.db().select().from(promptVersions).where(eq(promptVersions.promptId, prompt.id))).toEqual([]);
      const audit = await ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.targetId, prompt.id)));
      expect(audit.map((row) => row.action)).toEqual(["prompt.create", "prompt.delete"]);
      expect(audit.at(-1)).toMatchObject({ actorUserId: owner.session.user.id, before: { slug: prompt.slug, name: prompt.name, version_count: 2 } });
    });
    // The slug is free again.
    expect((await owner.call("POST", "/api/prompts", { slug: prompt.slug, name: "Again" })).status).toBe(201);
  });

  it("also deletes a never-published prompt that was archived", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}`)).status).toBe(204);
    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}?permanent=true`)).status).toBe(204);
    expect((await owner.call("GET", `/api/prompts/${prompt.id}`)).status).toBe(404);
  });

  it("refuses with 409 and a message saying to archive when the prompt was ever published, and changes nothing", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const version = await createVersion(owner, prompt.id);
    await withContext(async (ctx) => {
      await publishVersion({ ctx, input: { workspaceId: owner.workspaceId, promptId: prompt.id, versionId: version.id, environment: "production", actorUserId: owner.session.user.id } });
      const refused = await owner.call("DELETE", `/api/prompts/${prompt.id}?permanent=true`);
      expect(refused.status).toBe(409);
      expect(refused.body!.error).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("has been published") });
      expect(refused.body!.error.message).toContain("Archive it instead");
      // Still there, still served.
      expect((await owner.call("GET", `/api/prompts/${prompt.id}`)).body).toMatchObject({ status: "active" });
      expect(await ctx.kv.get(kvKeys.publishedPrompt(owner.workspaceId, "production", prompt.slug), "json")).toMatchObject({ version_id: version.id });
      // Archived first, it is still refused: its history stays.
      expect((await owner.call("DELETE", `/api/prompts/${prompt.id}`)).status).toBe(204);
      expect((await owner.call("DELETE", `/api/prompts/${prompt.id}?permanent=true`)).status).toBe(409);
      expect(await ctx.db().select({ id: prompts.id }).from(prompts).where(eq(prompts.id, prompt.id))).toHaveLength(1);
    });
  });

  it("answers 404 for another workspace's prompt and 403 for a viewer, deleting nothing; a bad flag is a 400", async () => {
    const { owner: theirs, members } = await workspaceWith("viewer");
    const { owner: mine } = await workspaceWith();
    const prompt = await createPrompt(theirs);
    expect((await mine.call("DELETE", `/api/prompts/${prompt.id}?permanent=true`)).status).toBe(404);
    expect((await mine.call("DELETE", `/api/prompts/${prompt.slug}?permanent=true`)).status).toBe(404);
    expect((await mine.call("DELETE", `/api/prompts/${prompt.id}?permanent=true`, undefined, theirs.workspaceId)).status).toBe(404);
    expect((await members[0].call("DELETE", `/api/prompts/${prompt.id}?permanent=true`)).status).toBe(403);
    const bad = await theirs.call("DELETE", `/api/prompts/${prompt.id}?permanent=yes`);
    expect(bad.status).toBe(400);
    expect(bad.body!.error.code).toBe("VALIDATION_FAILED");
    expect((await theirs.call("GET", `/api/prompts/${prompt.id}`)).body).toMatchObject({ status: "active" });
  });
});

describe("duplicating a prompt in its own workspace", () => {
  it("copies it under a new slug and name, with its versions as drafts", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner, { tags: ["onboarding"] });
    const version = await createVersion(owner, prompt.id);
    await withContext((ctx) => publishVersion({ ctx, input: { workspaceId: owner.workspaceId, promptId: prompt.id, versionId: version.id, environment: "production", actorUserId: owner.session.user.id } }));
    const slug = uniqueSlug("copy");
    const copy = await owner.call("POST", `/api/prompts/${prompt.id}/copy`, { target_workspace_id: owner.workspaceId, slug, name: "Welcome e-mail (copy)" });
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    expect(copy.body).toMatchObject({ workspace_id: owner.workspaceId, prompt: { slug, name: "Welcome e-mail (copy)", tags: [{ name: "onboarding" }], environments: {} } });
    const versions = await owner.call("GET", `/api/prompts/${copy.body!.prompt.id}/versions`);
    expect(versions.body!.versions.map((v: { status: string }) => v.status)).toEqual(["draft"]);
    expect((await owner.call("GET", `/api/prompts/${copy.body!.prompt.id}/versions/1`)).body).toMatchObject({ status: "draft", content: "Hello {name}" });
    // Without a new slug it collides with the source.
    expect((await owner.call("POST", `/api/prompts/${prompt.id}/copy`, { target_workspace_id: owner.workspaceId })).status).toBe(409);
  });

  it("needs prompts.write: a viewer may read the prompt but not duplicate it; another workspace's prompt is 404", async () => {
    const { owner, members } = await workspaceWith("viewer");
    const { owner: stranger } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const refused = await members[0].call("POST", `/api/prompts/${prompt.id}/copy`, { target_workspace_id: owner.workspaceId, slug: uniqueSlug("copy") });
    expect(refused.status).toBe(403);
    expect((await stranger.call("POST", `/api/prompts/${prompt.id}/copy`, { target_workspace_id: stranger.workspaceId, slug: uniqueSlug("copy") })).status).toBe(404);
    expect((await owner.call("GET", "/api/prompts")).body!.prompts).toHaveLength(1);
  });
});
