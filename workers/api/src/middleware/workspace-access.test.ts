import { describe, expect, it } from "vitest";
import { createPrompt, uniqueSlug, workspaceWith } from "../routes/prompts/prompt-test-support.ts";
import { call } from "../testing/http.ts";

describe("choosing the workspace", () => {
  it("takes a workspace_id field in a JSON body or in the query instead of the X-Workspace-Id header", async () => {
    const { owner } = await workspaceWith();
    const token = owner.session.access_token;
    const slug = uniqueSlug();

    // A strict body schema: the field is a selector, not an unknown property of the prompt.
    const created = await call("POST", "/api/prompts", { token, body: { workspace_id: owner.workspaceId, slug, name: "Chosen by field" } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ slug, name: "Chosen by field" });
    expect(created.body).not.toHaveProperty("workspace_id");

    const read = await call("GET", `/api/prompts/${created.body!.id}?workspace_id=${owner.workspaceId}`, { token });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ id: created.body!.id });

    // Routes with a strict query schema do not see the field either.
    const audit = await call("GET", `/api/audit-log?workspace_id=${owner.workspaceId}&action=prompt.create`, { token });
    expect(audit.status, JSON.stringify(audit.body)).toBe(200);
    expect(audit.body!.entries).toEqual([expect.objectContaining({ action: "prompt.create", target_id: created.body!.id })]);

    // The same id twice is one choice.
    const both = await call("PATCH", `/api/prompts/${created.body!.id}`, { token, workspaceId: owner.workspaceId, body: { workspace_id: owner.workspaceId, name: "Renamed" } });
    expect(both.status, JSON.stringify(both.body)).toBe(200);
    expect(both.body).toMatchObject({ name: "Renamed" });
  });

  it("answers 400 when the header and the field name different workspaces, and changes nothing", async () => {
    const { owner } = await workspaceWith();
    const { owner: elsewhere } = await workspaceWith();
    const token = owner.session.access_token;
    const prompt = await createPrompt(owner);
    const cases = [
      call("PATCH", `/api/prompts/${prompt.id}`, { token, workspaceId: owner.workspaceId, body: { workspace_id: elsewhere.workspaceId, name: "Changed" } }),
      call("PATCH", `/api/prompts/${prompt.id}?workspace_id=${elsewhere.workspaceId}`, { token, workspaceId: owner.workspaceId, body: { name: "Changed" } }),
      call("PATCH", `/api/prompts/${prompt.id}?workspace_id=${owner.workspaceId}`, { token, body: { workspace_id: elsewhere.workspaceId, name: "Changed" } }),
      call("GET", `/api/prompts/${prompt.id}?workspace_id=${owner.workspaceId}&workspace_id=${elsewhere.workspaceId}`, { token }),
      // A workspace route: the path names the workspace, a field must agree with it.
      call("PATCH", `/api/workspaces/${owner.workspaceId}`, { token, body: { workspace_id: elsewhere.workspaceId, name: "Changed" } }),
    ];
    for (const response of await Promise.all(cases)) {
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body!.error.code).toBe("VALIDATION_FAILED");
    }
    for (const body of [{ workspace_id: 42, name: "Changed" }, { workspace_id: null, name: "Changed" }]) {
      expect((await call("PATCH", `/api/prompts/${prompt.id}`, { token, workspaceId: owner.workspaceId, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await owner.call("GET", `/api/prompts/${prompt.id}`)).body).toMatchObject({ name: prompt.name });
    expect((await owner.call("GET", `/api/workspaces/${owner.workspaceId}`)).body).not.toMatchObject({ name: "Changed" });
  });

  it("answers 404 for a workspace the caller is not a member of, named by the field", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    const theirs = await createPrompt(stranger);
    const token = owner.session.access_token;
    for (const response of [
      await call("GET", `/api/prompts/${theirs.id}?workspace_id=${stranger.workspaceId}`, { token }),
      await call("PATCH", `/api/prompts/${theirs.id}`, { token, body: { workspace_id: stranger.workspaceId, name: "Taken over" } }),
      await call("POST", "/api/prompts", { token, body: { workspace_id: "ws_01jnotaworkspace0000000000", slug: uniqueSlug(), name: "x" } }),
    ]) {
      expect(response.status, JSON.stringify(response.body)).toBe(404);
      expect(response.body!.error).toMatchObject({ code: "NOT_FOUND", message: "Workspace not found" });
    }
    expect((await stranger.call("GET", `/api/prompts/${theirs.id}`)).body).toMatchObject({ name: theirs.name });
  });

  it("asks for a workspace when none is named, and leaves other bodies to the route's own validation", async () => {
    const { owner } = await workspaceWith();
    const token = owner.session.access_token;
    const none = await call("POST", "/api/prompts", { token, body: { slug: uniqueSlug(), name: "x" } });
    expect(none.status).toBe(400);
    expect(none.body!.error.message).toMatch(/X-Workspace-Id header or a workspace_id field/);
    // Malformed JSON and non-object bodies still reach the route's validation (400, not 500).
    for (const rawBody of ["{ not json", "[]", "null"]) {
      expect((await call("POST", "/api/prompts", { token, workspaceId: owner.workspaceId, rawBody })).status, rawBody).toBe(400);
    }
    // A YAML import is not read as JSON: the header chooses, the document is the route's.
    const yaml = `xr2_export: 1\nprompts:\n  - slug: ${uniqueSlug()}\n    name: From YAML\n    versions:\n      - content: "Hi {name}"\n`;
    const imported = await call("POST", "/api/prompts/import", { token, workspaceId: owner.workspaceId, rawBody: yaml, contentType: "application/yaml" });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body!.results).toEqual([expect.objectContaining({ outcome: "created" })]);
    const byQuery = await call("POST", `/api/prompts/import?workspace_id=${owner.workspaceId}`, { token, rawBody: yaml.replace(/slug: \S+/, `slug: ${uniqueSlug()}`), contentType: "application/yaml" });
    expect(byQuery.status, JSON.stringify(byQuery.body)).toBe(200);
    expect(byQuery.body!.results).toEqual([expect.objectContaining({ outcome: "created" })]);
  });
});
