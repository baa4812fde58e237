import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, promptVersions } from "@xr2/db/schema";
import { publishVersion } from "../../../services/prompts/publish-version.ts";
import { call } from "../../../testing/http.ts";
import { createPrompt, createVersion, withContext, workspaceWith, type Actor } from "../prompt-test-support.ts";

async function publish(as: Actor, promptId: string, versionId: string, environment: "production" | "staging" = "production") {
  await withContext((ctx) => publishVersion({ ctx, input: { workspaceId: as.workspaceId, promptId, versionId, environment, actorUserId: as.session.user.id } }));
}

const chat = {
  messages: [
    { role: "system", content: "You write short e-mails." },
    { role: "user", content: "Welcome {name} to {product}" },
  ],
  variables: [
    { name: "name", type: "string", required: true },
    { name: "product", type: "enum", required: false, values: ["Pro", "Team"], default: "Pro" },
  ],
  model_config: { provider: "openai", model: "gpt-4o-mini", temperature: 0.2, max_tokens: 400, seed: 7 },
  changelog: "Chat version",
};

describe("versions", () => {
  it("creates numbered drafts of text and chat prompts, lists them newest first and reads them back", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const first = await createVersion(owner, prompt.id, { content: "Hello {name}", variables: [{ name: "name", type: "string" }] });
    expect(first).toMatchObject({ version_number: 1, status: "draft", kind: "text", content: "Hello {name}", messages: null, variables: [{ name: "name", type: "string", required: false }], model_config: {}, changelog: null, environments: [] });
    const second = await createVersion(owner, prompt.id, chat);
    expect(second).toMatchObject({ version_number: 2, status: "draft", kind: "chat", content: null, messages: chat.messages, variables: chat.variables, model_config: chat.model_config, changelog: "Chat version", created_by_id: owner.session.user.id });

    const list = await owner.call("GET", `/api/prompts/${prompt.id}/versions`);
    expect(list.body!.versions.map((version: { version_number: number }) => version.version_number)).toEqual([2, 1]);
    expect(list.body!.versions[0]).not.toHaveProperty("content");
    expect(list.body!.next_cursor).toBeNull();
    const read = await owner.call("GET", `/api/prompts/${prompt.id}/versions/${second.id}`);
    expect(read.body).toEqual(second);

    const [audit] = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.targetId, second.id))));
    expect(audit).toMatchObject({ action: "version.create", actorUserId: owner.session.user.id, after: { version_number: 2, messages: chat.messages, model_config: chat.model_config } });
    const promptAfter = await owner.call("GET", `/api/prompts/${prompt.id}`);
    expect(Date.parse(promptAfter.body!.updated_at)).toBeGreaterThanOrEqual(Date.parse(prompt.updated_at as string));
  });

  it("gives concurrent creations distinct consecutive numbers", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => owner.call("POST", `/api/prompts/${prompt.id}/versions`, { content: `v${i}` })));
    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(201));
    expect(responses.map((response) => response.body!.version_number as number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("pages through versions without gaps or repeats", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    for (let i = 0; i < 5; i++) await createVersion(owner, prompt.id, { content: `v${i}` });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const response = await owner.call("GET", `/api/prompts/${prompt.id}/versions?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      seen.push(...response.body!.versions.map((version: { version_number: number }) => version.version_number));
      cursor = response.body!.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual([5, 4, 3, 2, 1]);
    expect((await owner.call("GET", `/api/prompts/${prompt.id}/versions?cursor=bm9wZQ`)).status).toBe(400);
  });

  it("answers 400, never 500, to malformed versions", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const path = `/api/prompts/${prompt.id}/versions`;
    const variable = (fields: Record<string, unknown>) => ({ content: "x", variables: [{ name: "v", type: "string", ...fields }] });
    const bad: unknown[] = [
      {},
      { content: "x", messages: [{ role: "user", content: "y" }] },
      { content: 5 },
      { content: "x".repeat(100_001) },
      { messages: [] },
      { messages: [{ role: "tool", content: "x" }] },
      { messages: [{ role: "user" }] },
      { messages: [{ role: "user", content: "x", name: "extra" }] },
      { messages: Array.from({ length: 101 }, () => ({ role: "user", content: "x" })) },
      { messages: [{ role: "user", content: "x".repeat(60_000) }, { role: "user", content: "x".repeat(60_000) }] },
      variable({ name: "1st" }),
      variable({ name: "has-dash" }),
      variable({ name: "x".repeat(65) }),
      variable({ type: "date" }),
      variable({ type: "enum" }),
      variable({ type: "enum", values: ["a", "a"] }),
      variable({ type: "string", values: ["a"] }),
      variable({ type: "number", default: "5" }),
      variable({ type: "boolean", default: 1 }),
      variable({ type: "enum", values: ["a", "b"], default: "c" }),
      variable({ required: "yes" }),
      variable({ secret: true }),
      { content: "x", variables: [{ name: "v", type: "string" }, { name: "v", type: "number" }] },
      { content: "x", variables: Array.from({ length: 101 }, (_, i) => ({ name: `v${i}`, type: "string" })) },
      { content: "x", variables: "name" },
      { content: "x", model_config: { temperature: 2.5 } },
      { content: "x", model_config: { temperature: "hot" } },
      { content: "x", model_config: { max_tokens: 0 } },
      { content: "x", model_config: { max_tokens: 1.5 } },
      { content: "x", model_config: { top_p: 1.1 } },
      { content: "x", model_config: { provider: "mistral" } },
      { content: "x", model_config: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) },
      { content: "x", model_config: { "bad key": 1 } },
      { content: "x", model_config: { stop: "x".repeat(10_001) } },
      { content: "x", model_config: [] },
      { content: "x", changelog: "c".repeat(2001) },
      { content: "x", status: "production" },
      { content: "x", version_number: 9 },
    ];
    for (const body of bad) {
      const response = await owner.call("POST", path, body);
      expect(response.status, JSON.stringify(body).slice(0, 120)).toBe(400);
    }
    expect((await owner.call("GET", path)).body!.versions).toEqual([]);
    // A "__proto__" setting is dropped by validation; it neither reaches the database nor pollutes objects.
    const prototypeKey = await call("POST", path, { token: owner.session.access_token, workspaceId: owner.workspaceId, rawBody: '{"content":"x","model_config":{"__proto__":{"polluted":true},"seed":1}}' });
    expect(prototypeKey.status).toBe(201);
    expect((await owner.call("GET", `${path}/${prototypeKey.body!.id}`)).body!.model_config).toEqual({ seed: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("edits drafts only: a published version is immutable (409) and so is its content in the database", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const version = await createVersion(owner, prompt.id, { content: "Hello {name}", changelog: "first" });

    const edited = await owner.call("PATCH", `/api/prompts/${prompt.id}/versions/${version.id}`, { messages: [{ role: "user", content: "Hi" }], changelog: null });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ kind: "chat", content: null, messages: [{ role: "user", content: "Hi" }], changelog: null, status: "draft", version_number: 1 });
    for (const body of [{}, { content: "a", messages: [{ role: "user", content: "b" }] }, { status: "production" }]) {
      expect((await owner.call("PATCH", `/api/prompts/${prompt.id}/versions/${version.id}`, body)).status, JSON.stringify(body)).toBe(400);
    }

    await publish(owner, prompt.id, version.id);
    const refused = await owner.call("PATCH", `/api/prompts/${prompt.id}/versions/${version.id}`, { content: "Changed" });
    expect(refused.status).toBe(409);
    expect(refused.body!.error.message).toMatch(/Version 1 is production.*immutable/);
    const read = await owner.call("GET", `/api/prompts/${prompt.id}/versions/${version.id}`);
    expect(read.body).toMatchObject({ status: "production", kind: "chat", messages: [{ role: "user", content: "Hi" }], environments: ["production"] });
    // The database refuses too, whatever path the change takes (migration 0001's trigger).
    await withContext(async (ctx) => {
      const direct = ctx.db().update(promptVersions).set({ content: "Sneaky" }).where(eq(promptVersions.id, version.id));
      await expect(direct).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23514" }) });
    });
    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.action, "version.update"))));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ before: { kind: "text", content: "Hello {name}", changelog: "first" }, after: { kind: "chat", content: null, changelog: null } });
  });

  it("deletes a draft, but never a version that left draft", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const published = await createVersion(owner, prompt.id, { content: "v1" });
    const draft = await createVersion(owner, prompt.id, { content: "v2" });
    await publish(owner, prompt.id, published.id, "staging");

    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}/versions/${published.id}`)).status).toBe(409);
    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}/versions/${draft.id}`)).status).toBe(204);
    expect((await owner.call("GET", `/api/prompts/${prompt.id}/versions/${draft.id}`)).status).toBe(404);
    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}/versions/${draft.id}`)).status).toBe(404);
    expect((await owner.call("GET", `/api/prompts/${prompt.id}/versions`)).body!.versions.map((version: { id: string; status: string }) => [version.id, version.status])).toEqual([[published.id, "testing"]]);
    const [audit] = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.action, "version.delete"))));
    expect(audit).toMatchObject({ targetId: draft.id, before: { version_number: 2, content: "v2" } });
  });

  it("lets viewers read versions and diffs but not write", async () => {
    const { owner, members } = await workspaceWith("viewer", "member");
    const [viewer, member] = members;
    const prompt = await createPrompt(owner);
    const version = await createVersion(member, prompt.id);
    expect((await viewer.call("GET", `/api/prompts/${prompt.id}/versions`)).status).toBe(200);
    expect((await viewer.call("GET", `/api/prompts/${prompt.id}/versions/${version.id}`)).status).toBe(200);
    expect((await viewer.call("GET", `/api/prompts/${prompt.id}/diff?to=${version.id}`)).status).toBe(200);
    expect((await viewer.call("POST", `/api/prompts/${prompt.id}/versions`, { content: "x" })).status).toBe(403);
    expect((await viewer.call("PATCH", `/api/prompts/${prompt.id}/versions/${version.id}`, { content: "x" })).status).toBe(403);
    expect((await viewer.call("DELETE", `/api/prompts/${prompt.id}/versions/${version.id}`)).status).toBe(403);
    expect((await owner.call("GET", `/api/prompts/${prompt.id}/versions/${version.id}`)).body).toMatchObject({ content: "Hello {name}" });
  });

  it("answers 404 for a version addressed through another prompt or another workspace", async () => {
    const { owner } = await workspaceWith();
    const { owner: other } = await workspaceWith();
    const mine = await createPrompt(owner);
    const sibling = await createPrompt(owner);
    const theirs = await createPrompt(other);
    const myVersion = await createVersion(owner, mine.id);
    const siblingVersion = await createVersion(owner, sibling.id);
    const theirVersion = await createVersion(other, theirs.id);
    for (const [promptId, versionId] of [
      [mine.id, siblingVersion.id],
      [mine.id, theirVersion.id],
      [theirs.id, theirVersion.id],
      [theirs.id, myVersion.id],
    ]) {
      for (const [method, body] of [["GET", undefined], ["PATCH", { content: "x" }], ["DELETE", undefined]] as const) {
        expect((await owner.call(method, `/api/prompts/${promptId}/versions/${versionId}`, body)).status, `${method} ${promptId}/${versionId}`).toBe(404);
      }
      expect((await owner.call("GET", `/api/prompts/${promptId}/diff?to=${versionId}`)).status).toBe(404);
    }
    expect((await owner.call("GET", `/api/prompts/${mine.id}/diff?to=${myVersion.id}&from=${theirVersion.id}`)).status).toBe(404);
    expect((await other.call("GET", `/api/prompts/${theirs.id}/versions/${theirVersion.id}`)).body).toMatchObject({ content: "Hello {name}", status: "draft" });
  });
});

describe("addressing by slug and version number", () => {
  it("takes the prompt's slug for {promptId} and a version number for {versionId}, within the caller's workspace only", async () => {
    const { owner } = await workspaceWith();
    const { owner: other } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const first = await createVersion(owner, prompt.id, { content: "First" });
    const created = await createVersion(owner, prompt.slug, { content: "Second" });
    expect(created).toMatchObject({ prompt_id: prompt.id, version_number: 2 });

    expect((await owner.call("GET", `/api/prompts/${prompt.slug}`)).body).toMatchObject({ id: prompt.id, slug: prompt.slug });
    expect((await owner.call("GET", `/api/prompts/${prompt.slug}/versions/1`)).body).toMatchObject({ id: first.id, content: "First" });
    expect((await owner.call("GET", `/api/prompts/${prompt.id}/versions/2`)).body).toMatchObject({ id: created.id, content: "Second" });
    expect((await owner.call("PUT", `/api/prompts/${prompt.slug}/versions/2/publish`, { environment: "staging" })).status).toBe(200);
    expect((await owner.call("GET", `/api/prompts/${prompt.slug}`)).body!.environments).toMatchObject({ staging: { version_id: created.id } });
    expect((await owner.call("GET", `/api/prompts/${prompt.slug}/diff?to=${created.id}`)).body).toMatchObject({ from: { id: first.id }, to: { id: created.id } });

    // An archived prompt keeps its slug, so it can still be read and brought back by it.
    expect((await owner.call("DELETE", `/api/prompts/${prompt.slug}`)).status).toBeLessThan(300);
    expect((await owner.call("PATCH", `/api/prompts/${prompt.slug}`, { status: "active" })).body).toMatchObject({ id: prompt.id, status: "active" });

    expect((await owner.call("GET", `/api/prompts/${prompt.slug}/versions/3`)).status).toBe(404);
    expect((await owner.call("GET", `/api/prompts/no-such-slug`)).status).toBe(404);
    // Another workspace's slug names nothing here, even when this workspace has no prompt of that name.
    const theirs = await createPrompt(other);
    await createVersion(other, theirs.id);
    expect((await owner.call("GET", `/api/prompts/${theirs.slug}`)).status).toBe(404);
    expect((await owner.call("GET", `/api/prompts/${theirs.slug}/versions/1`)).status).toBe(404);
    expect((await other.call("GET", `/api/prompts/${theirs.slug}/versions/1`)).body).toMatchObject({ prompt_id: theirs.id, version_number: 1 });
  });
});

describe("diff", () => {
  it("diffs content, variables and model settings, against the previous version by default", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const v1 = await createVersion(owner, prompt.id, {
      content: "Hello {name}\nWelcome aboard.\nBye",
      variables: [{ name: "name", type: "string", required: true }, { name: "plan", type: "string" }],
      model_config: { model: "gpt-4o", temperature: 0.5, seed: 1 },
    });
    const v2 = await createVersion(owner, prompt.id, {
      content: "Hello {name}!\nWelcome aboard.\nBye",
      variables: [{ name: "name", type: "string", required: false }, { name: "days", type: "number", default: 14 }],
      model_config: { model: "gpt-4o", temperature: 0.7, max_tokens: 300 },
    });

    const diff = await owner.call("GET", `/api/prompts/${prompt.id}/diff?to=${v2.id}`);
    expect(diff.status, JSON.stringify(diff.body)).toBe(200);
    expect(diff.body).toEqual({
      from: { id: v1.id, version_number: 1, kind: "text" },
      to: { id: v2.id, version_number: 2, kind: "text" },
      content: [
        { op: "delete", text: "Hello {name}" },
        { op: "insert", text: "Hello {name}!" },
        { op: "equal", text: "Welcome aboard." },
        { op: "equal", text: "Bye" },
      ],
      messages: [],
      variables: {
        added: [{ name: "days", type: "number", required: false, default: 14 }],
        removed: [{ name: "plan", type: "string", required: false }],
        changed: [{ name: "name", from: { name: "name", type: "string", required: true }, to: { name: "name", type: "string", required: false } }],
      },
      model_config: { added: { max_tokens: 300 }, removed: { seed: 1 }, changed: { temperature: { from: 0.5, to: 0.7 } } },
      includes: { from: [], to: [] },
    });

    const reverse = await owner.call("GET", `/api/prompts/${prompt.id}/diff?from=${v2.id}&to=${v1.id}`);
    expect(reverse.body!.model_config).toEqual({ added: { seed: 1 }, removed: { max_tokens: 300 }, changed: { temperature: { from: 0.7, to: 0.5 } } });
    const firstVersion = await owner.call("GET", `/api/prompts/${prompt.id}/diff?to=${v1.id}`);
    expect(firstVersion.body).toMatchObject({ from: null, content: [{ op: "insert" }, { op: "insert" }, { op: "insert" }] });
    expect((await owner.call("GET", `/api/prompts/${prompt.id}/diff`)).status).toBe(400);
  });

  it("diffs chat messages message by message", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const v1 = await createVersion(owner, prompt.id, { content: "Old text prompt" });
    const v2 = await createVersion(owner, prompt.id, { messages: [{ role: "system", content: "Rules" }, { role: "user", content: "Hi {name}" }] });
    const v3 = await createVersion(owner, prompt.id, { messages: [{ role: "system", content: "Rules" }, { role: "user", content: "Hello {name}" }] });

    const chatDiff = await owner.call("GET", `/api/prompts/${prompt.id}/diff?from=${v2.id}&to=${v3.id}`);
    expect(chatDiff.body).toMatchObject({
      content: [],
      messages: [
        { op: "equal", from_index: 0, to_index: 0 },
        { op: "change", from_index: 1, to_index: 1, from_role: "user", to_role: "user", lines: [{ op: "delete", text: "Hi {name}" }, { op: "insert", text: "Hello {name}" }] },
      ],
    });
    const kindChange = await owner.call("GET", `/api/prompts/${prompt.id}/diff?from=${v1.id}&to=${v2.id}`);
    expect(kindChange.body).toMatchObject({
      from: { kind: "text" },
      to: { kind: "chat" },
      content: [{ op: "delete", text: "Old text prompt" }],
      messages: [{ op: "insert" }, { op: "insert" }],
    });
  });
});
