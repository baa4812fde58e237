import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog } from "@xr2/db/schema";
import { createPrompt, withContext, workspaceWith } from "../prompts/prompt-test-support.ts";

describe("tags", () => {
  it("creates, lists with usage counts, renames, recolours and deletes tags, auditing each change", async () => {
    const { owner } = await workspaceWith();
    const created = await owner.call("POST", "/api/tags", { name: " Growth ", color: "#22C55E" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^tag_[0-9a-z]{26}$/), name: "Growth", color: "#22c55e", created_at: expect.any(String), prompt_count: 0 });
    const plain = await owner.call("POST", "/api/tags", { name: "plain" });
    expect(plain.body!.color).toMatch(/^#[0-9a-f]{6}$/);
    const tagged = await createPrompt(owner, { tags: [created.body!.id] });
    const archived = await createPrompt(owner, { tags: [created.body!.id] });
    expect((await owner.call("DELETE", `/api/prompts/${archived.id}`)).status).toBe(204);

    const list = await owner.call("GET", "/api/tags");
    expect(list.body!.tags.map((tag: { name: string; prompt_count: number }) => [tag.name, tag.prompt_count])).toEqual([
      ["Growth", 1],
      ["plain", 0],
    ]);

    const renamed = await owner.call("PATCH", `/api/tags/${created.body!.id}`, { name: "Retention", color: "#000000" });
    expect(renamed.body).toMatchObject({ id: created.body!.id, name: "Retention", color: "#000000", prompt_count: 1 });
    expect((await owner.call("GET", `/api/prompts/${tagged.id}`)).body!.tags).toEqual([{ id: created.body!.id, name: "Retention", color: "#000000" }]);

    expect((await owner.call("DELETE", `/api/tags/${created.body!.id}`)).status).toBe(204);
    expect((await owner.call("GET", `/api/prompts/${tagged.id}`)).body!.tags).toEqual([]);
    expect((await owner.call("DELETE", `/api/tags/${created.body!.id}`)).status).toBe(404);

    const audit = await withContext((ctx) =>
      ctx
        .db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.targetId, created.body!.id)))
        .orderBy(auditLog.createdAt, auditLog.id),
    );
    expect(audit.map((row) => [row.action, row.before, row.after])).toEqual([
      ["tag.create", null, { name: "Growth", color: "#22c55e" }],
      ["tag.update", { name: "Growth", color: "#22c55e" }, { name: "Retention", color: "#000000" }],
      ["tag.delete", { name: "Retention", color: "#000000", prompt_count: 2 }, null],
    ]);
  });

  it("keeps names unique per workspace (409) but not across workspaces", async () => {
    const { owner } = await workspaceWith();
    const { owner: other } = await workspaceWith();
    const first = await owner.call("POST", "/api/tags", { name: "growth" });
    const second = await owner.call("POST", "/api/tags", { name: "retention" });
    expect((await owner.call("POST", "/api/tags", { name: "growth" })).status).toBe(409);
    expect((await owner.call("PATCH", `/api/tags/${second.body!.id}`, { name: "growth" })).status).toBe(409);
    expect((await owner.call("PATCH", `/api/tags/${first.body!.id}`, { name: "growth" })).status).toBe(200);
    expect((await other.call("POST", "/api/tags", { name: "growth" })).status).toBe(201);
  });

  it("answers 400 to bad names and colours", async () => {
    const { owner } = await workspaceWith();
    const tag = await owner.call("POST", "/api/tags", { name: "ok" });
    for (const [method, path, body] of [
      ["POST", "/api/tags", {}],
      ["POST", "/api/tags", { name: "" }],
      ["POST", "/api/tags", { name: "   " }],
      ["POST", "/api/tags", { name: "x".repeat(65) }],
      ["POST", "/api/tags", { name: "tag_01m8acwth7msayb4evxhyszk39" }],
      ["POST", "/api/tags", { name: "x", color: "green" }],
      ["POST", "/api/tags", { name: "x", color: "#12345" }],
      ["POST", "/api/tags", { name: "x", color: "#1234567" }],
      ["POST", "/api/tags", { name: "x", icon: "star" }],
      ["POST", "/api/tags", { name: 7 }],
      ["PATCH", `/api/tags/${tag.body!.id}`, {}],
      ["PATCH", `/api/tags/${tag.body!.id}`, { color: "red" }],
      ["PATCH", `/api/tags/${"t".repeat(65)}`, { color: "#ffffff" }],
    ] as const) {
      const response = await owner.call(method, path, body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
    }
  });

  it("lets viewers list tags but not change them, and hides other workspaces' tags (404)", async () => {
    const { owner, members } = await workspaceWith("viewer");
    const [viewer] = members;
    const { owner: outsider } = await workspaceWith();
    const tag = await owner.call("POST", "/api/tags", { name: "growth" });
    expect((await viewer.call("GET", "/api/tags")).body!.tags).toHaveLength(1);
    expect((await viewer.call("POST", "/api/tags", { name: "mine" })).status).toBe(403);
    expect((await viewer.call("PATCH", `/api/tags/${tag.body!.id}`, { name: "mine" })).status).toBe(403);
    expect((await viewer.call("DELETE", `/api/tags/${tag.body!.id}`)).status).toBe(403);

    expect((await outsider.call("GET", "/api/tags")).body!.tags).toEqual([]);
    expect((await outsider.call("PATCH", `/api/tags/${tag.body!.id}`, { name: "stolen" })).status).toBe(404);
    expect((await outsider.call("DELETE", `/api/tags/${tag.body!.id}`)).status).toBe(404);
    expect((await outsider.call("GET", "/api/tags", undefined, owner.workspaceId)).status).toBe(404);
    expect((await outsider.call("DELETE", `/api/tags/${tag.body!.id}`, undefined, owner.workspaceId)).status).toBe(404);
    expect((await owner.call("GET", "/api/tags")).body!.tags).toEqual([expect.objectContaining({ id: tag.body!.id, name: "growth" })]);
  });
});
