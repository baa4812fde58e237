import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { and, eq, inArray } from "drizzle-orm";
import { parse as parseYaml, parseDocument, stringify as stringifyYaml } from "yaml";
import { documentToYaml, MAX_YAML_TOKENS } from "./yaml-document.ts";
import { MAX_BODY_BYTES } from "../../../body-limit.ts";
import { MAX_EXPORT_BODY_BYTES } from "../../../services/prompts/export-prompts.ts";
import { auditLog, prompts as promptsTable } from "@xr2/db/schema";
import { createApiApp } from "../../../app.ts";
import { publishVersion } from "../../../services/prompts/publish-version.ts";
import { call, createWorkspace, registerUser } from "../../../testing/http.ts";
import { createPrompt, createVersion, uniqueSlug, withContext, workspaceWith, type Actor } from "../prompt-test-support.ts";

/** The app's raw answer (export bodies may be YAML, which `call` would try to read as JSON). */
async function fetchRaw(as: Actor, path: string, workspaceId = as.workspaceId) {
  const ctx = createExecutionContext();
  const response = await createApiApp().fetch(new Request(`http://api.test${path}`, { headers: { authorization: `Bearer ${as.session.access_token}`, "x-workspace-id": workspaceId } }), env, ctx);
  await waitOnExecutionContext(ctx);
  return { status: response.status, headers: response.headers, text: new TextDecoder().decode(await response.arrayBuffer()) };
}

function send(as: Actor, path: string, rawBody: string, contentType: string, workspaceId = as.workspaceId) {
  return call("POST", path, { token: as.session.access_token, workspaceId, rawBody, contentType });
}

/** The same person's second workspace, where they are Admin. */
async function secondWorkspace(as: Actor): Promise<Actor> {
  const workspace = await createWorkspace(as.session, "Second team");
  return { ...as, workspaceId: workspace.id, call: (method, path, body, other) => as.call(method, path, body, other ?? workspace.id) };
}

const chatVersion = {
  messages: [
    { role: "system", content: "You write short e-mails.\nNever: use \"quotes\" or # hashes or - dashes." },
    { role: "user", content: "Welcome {name} to {product} — ✓ {{literal}}" },
  ],
  variables: [
    { name: "name", type: "string", required: true, description: "First name" },
    { name: "product", type: "enum", required: false, values: ["Pro", "Team"], default: "Pro" },
  ],
  model_config: { provider: "openai", model: "gpt-4o-mini", temperature: 0.2, max_tokens: 400, seed: 7, stop: ["\n\n", "yes"] },
  changelog: "Chat version",
};
const textVersion = {
  content: "Hello {name}:\n  {% if vip %}Dear VIP{% else %}Hi{% endif %}\n- not a list\nkey: not a map\n'0123'",
  variables: [
    { name: "name", type: "string", required: true },
    { name: "vip", type: "boolean", required: false, default: false },
    { name: "count", type: "number", required: false, default: 1.5 },
  ],
  model_config: { provider: "anthropic", model: "claude", top_p: 0.9 },
};

/** A prompt with tags, a published text version and a chat draft. */
async function richPrompt(owner: Actor, slug = uniqueSlug("rich")) {
  const tagged = await owner.call("POST", "/api/tags", { name: `tag-${slug}`, color: "#123abc" });
  expect(tagged.status, JSON.stringify(tagged.body)).toBe(201);
  const prompt = await createPrompt(owner, { slug, description: "Sent after sign-up", tags: [`tag-${slug}`, "shared"] });
  const first = await createVersion(owner, prompt.id, textVersion);
  await createVersion(owner, prompt.id, chatVersion);
  await withContext((ctx) => publishVersion({ ctx, input: { workspaceId: owner.workspaceId, promptId: prompt.id, versionId: first.id, environment: "production", actorUserId: owner.session.user.id } }));
  return prompt;
}

async function versionsOf(as: Actor, promptId: string) {
  const list = await as.call("GET", `/api/prompts/${promptId}/versions`);
  expect(list.status).toBe(200);
  const full = [];
  for (const summary of (list.body!.versions as Array<{ id: string }>).toReversed()) full.push((await as.call("GET", `/api/prompts/${promptId}/versions/${summary.id}`)).body!);
  return full;
}

const bodyOf = (version: Record<string, unknown>) => ({ kind: version.kind, content: version.content, messages: version.messages, variables: version.variables, model_config: version.model_config, changelog: version.changelog });

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  return [];
}

describe("export and import", () => {
  it("round-trips prompts through JSON into another workspace: same bodies, tags by name and colour, drafts only, no ids", async () => {
    const { owner } = await workspaceWith();
    const source = await richPrompt(owner);
    const exported = await fetchRaw(owner, `/api/prompts/export?prompt_ids=${source.id}`);
    expect(exported.status, exported.text).toBe(200);
    expect(exported.headers.get("content-disposition")).toMatch(/^attachment; filename="xr2-prompts-\d{4}-\d{2}-\d{2}\.json"$/);
    const document = JSON.parse(exported.text);
    expect(document).toMatchObject({ xr2_export: 1, prompts: [{ slug: source.slug, name: "Welcome e-mail", description: "Sent after sign-up" }] });
    expect(document.prompts[0].tags).toEqual([{ name: "shared", color: expect.stringMatching(/^#[0-9a-f]{6}$/) }, { name: `tag-${source.slug}`, color: "#123abc" }]);
    expect(document.prompts[0].versions.map((version: { status: string }) => version.status)).toEqual(["production", "draft"]);
    expect(keysOf(document).filter((key) => key === "id" || key.endsWith("_id"))).toEqual([]);
    expect(exported.text).not.toMatch(/"(pr|pv|ws|tag|usr)_[0-9a-z]{26}"/);

    const target = await secondWorkspace(owner);
    const imported = await target.call("POST", "/api/prompts/import", document);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const [result] = imported.body!.results;
    expect(result).toMatchObject({ slug: source.slug, outcome: "created", versions: [{ version_number: 1 }, { version_number: 2 }] });

    const copy = await target.call("GET", `/api/prompts/${result.prompt_id}`);
    expect(copy.body).toMatchObject({ slug: source.slug, name: "Welcome e-mail", description: "Sent after sign-up", environments: {} });
    expect(copy.body!.tags.map((tag: { name: string; color: string }) => [tag.name, tag.color])).toEqual(document.prompts[0].tags.map((tag: { name: string; color: string }) => [tag.name, tag.color]));
    const [before, after] = [await versionsOf(owner, source.id), await versionsOf(target, result.prompt_id)];
    expect(after.map(bodyOf)).toEqual(before.map(bodyOf));
    expect(after.map((version) => version.status)).toEqual(["draft", "draft"]);
    expect(after.map((version) => version.id)).toEqual(result.versions.map((version: { id: string }) => version.id));

    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, target.workspaceId), eq(auditLog.action, "prompt.import"))));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetId: result.prompt_id, actorUserId: owner.session.user.id, after: { outcome: "created", slug: source.slug, version_numbers: [1, 2] } });

    // Exported again from the target, it is the same document except for the statuses.
    const again = JSON.parse((await fetchRaw(target, "/api/prompts/export")).text);
    const withoutStatus = (prompts: Array<{ versions: Array<Record<string, unknown>> }>) => prompts.map((prompt) => ({ ...prompt, versions: prompt.versions.map(({ status: _status, ...rest }) => rest) }));
    expect(withoutStatus(again.prompts)).toEqual(withoutStatus(document.prompts));
  });

  it("writes YAML a version at a time with the same text as the whole document at once", async () => {
    const awkward = ["line one\n\n  indented after an empty line\n", "# not a comment: {name}\n- not a list", " leading space", "trailing spaces  \n\n\n", "'quotes' and \"quotes\"", "", "tab\there", "---\n..."];
    const documents = [
      { xr2_export: 1 as const, exported_at: "2026-01-01T00:00:00.000Z", prompts: [] },
      {
        xr2_export: 1 as const,
        prompts: [
          { slug: "a", name: "A: a", description: null, tags: [], versions: awkward.map((content, index) => ({ version_number: index + 1, kind: "text" as const, content, variables: [], model_config: { temperature: 0.5 }, changelog: null, status: "draft" as const })) },
          { slug: "b", name: "B", versions: [] },
          { slug: "c", name: "C", tags: [{ name: "x", color: "#fff000" }] },
          { slug: "d", name: "D", versions: [{ messages: awkward.map((content) => ({ role: "user" as const, content })) }] },
        ],
      },
    ];
    for (const document of documents) expect(await documentToYaml(document)).toBe(stringifyYaml(document, { lineWidth: 0 }));
  });

  it("round-trips through YAML, templates with YAML-significant characters included", async () => {
    const { owner } = await workspaceWith();
    const source = await richPrompt(owner);
    const exported = await fetchRaw(owner, `/api/prompts/export?format=yaml&prompt_ids=${source.id}`);
    expect(exported.status, exported.text).toBe(200);
    expect(exported.headers.get("content-type")).toMatch(/^application\/yaml/);
    expect(exported.headers.get("content-disposition")).toMatch(/filename="xr2-prompts-[\d-]+\.yaml"/);
    expect(exported.text.trimStart().startsWith("{")).toBe(false);
    expect(parseYaml(exported.text)).toMatchObject({ xr2_export: 1, prompts: [{ slug: source.slug }] });
    // Written a version at a time, it is the text the writer gives for the whole document.
    const asJson = JSON.parse((await fetchRaw(owner, `/api/prompts/export?prompt_ids=${source.id}`)).text);
    expect(exported.text).toBe(stringifyYaml({ ...asJson, exported_at: parseYaml(exported.text).exported_at }, { lineWidth: 0 }));

    const target = await secondWorkspace(owner);
    const imported = await send(target, "/api/prompts/import", exported.text, "application/yaml");
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const promptId = imported.body!.results[0].prompt_id;
    expect((await versionsOf(target, promptId)).map(bodyOf)).toEqual((await versionsOf(owner, source.id)).map(bodyOf));

    // Hand-written YAML (as the CLI keeps in a repository) without numbers, kinds or statuses.
    const handWritten = ["xr2_export: 1", "prompts:", "  - slug: from-yaml", "    name: From YAML", "    versions:", "      - content: |", "          Hi {name}", "          bye", "      - messages:", "          - role: user", "            content: 'Q: {q}'"].join("\n");
    const written = await send(target, "/api/prompts/import", handWritten, "text/yaml; charset=utf-8");
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    const versions = await versionsOf(target, written.body!.results[0].prompt_id);
    expect(versions.map(bodyOf)).toEqual([
      { kind: "text", content: "Hi {name}\nbye\n", messages: null, variables: [], model_config: {}, changelog: null },
      { kind: "chat", content: null, messages: [{ role: "user", content: "Q: {q}" }], variables: [], model_config: {}, changelog: null },
    ]);
  });

  it("skips existing slugs by default and appends drafts after the existing versions with on_conflict=new_versions", async () => {
    const { owner } = await workspaceWith();
    const existing = await createPrompt(owner);
    await createVersion(owner, existing.id, { content: "mine 1" });
    await createVersion(owner, existing.id, { content: "mine 2" });
    const document = {
      xr2_export: 1,
      prompts: [
        { slug: existing.slug, name: "Renamed elsewhere", versions: [{ version_number: 7, content: "theirs 7" }, { version_number: 3, content: "theirs 3", status: "production" }] },
        { slug: uniqueSlug("fresh"), name: "Fresh", tags: [{ name: "imported", color: "#AABBCC" }] },
      ],
    };

    const skipped = await owner.call("POST", "/api/prompts/import", document);
    expect(skipped.status, JSON.stringify(skipped.body)).toBe(200);
    expect(skipped.body!.results).toEqual([
      { slug: existing.slug, outcome: "skipped", prompt_id: existing.id, versions: [] },
      { slug: document.prompts[1]!.slug, outcome: "created", prompt_id: expect.stringMatching(/^pr_/), versions: [] },
    ]);
    expect((await versionsOf(owner, existing.id)).map((version) => version.content)).toEqual(["mine 1", "mine 2"]);
    expect((await owner.call("GET", `/api/prompts/${skipped.body!.results[1].prompt_id}`)).body!.tags).toMatchObject([{ name: "imported", color: "#aabbcc" }]);

    const appended = await owner.call("POST", "/api/prompts/import?on_conflict=new_versions", { ...document, prompts: [document.prompts[0]] });
    expect(appended.status, JSON.stringify(appended.body)).toBe(200);
    expect(appended.body!.results[0]).toMatchObject({ outcome: "versions_added", prompt_id: existing.id, versions: [{ version_number: 3 }, { version_number: 4 }] });
    const versions = await versionsOf(owner, existing.id);
    expect(versions.map((version) => [version.version_number, version.content, version.status])).toEqual([
      [1, "mine 1", "draft"],
      [2, "mine 2", "draft"],
      [3, "theirs 3", "draft"],
      [4, "theirs 7", "draft"],
    ]);
    expect((await owner.call("GET", `/api/prompts/${existing.id}`)).body!.name).toBe("Welcome e-mail");
    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.action, "prompt.import"))));
    expect(audit.map((row) => (row.after as { outcome: string }).outcome).sort()).toEqual(["created", "versions_added"]);
  });

  it("imports all or nothing: a conflict on an archived prompt leaves no trace of the prompts before it", async () => {
    const { owner } = await workspaceWith();
    const archived = await createPrompt(owner);
    expect((await owner.call("DELETE", `/api/prompts/${archived.id}`)).status).toBe(204);
    const fresh = uniqueSlug("fresh");
    const response = await owner.call("POST", "/api/prompts/import?on_conflict=new_versions", {
      xr2_export: 1,
      prompts: [
        { slug: fresh, name: "Fresh", tags: [{ name: "never-created" }], versions: [{ content: "x" }] },
        { slug: archived.slug, name: "Archived", versions: [{ content: "y" }] },
      ],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(409);
    const left = await withContext((ctx) => ctx.db().select().from(promptsTable).where(and(eq(promptsTable.workspaceId, owner.workspaceId), eq(promptsTable.slug, fresh))));
    expect(left).toEqual([]);
    expect((await owner.call("GET", "/api/tags")).body!.tags ?? (await owner.call("GET", "/api/tags")).body).not.toContainEqual(expect.objectContaining({ name: "never-created" }));
    // With skip, the archived slug is reported as skipped.
    const skipped = await owner.call("POST", "/api/prompts/import", { xr2_export: 1, prompts: [{ slug: archived.slug, name: "Archived" }] });
    expect(skipped.body!.results).toEqual([{ slug: archived.slug, outcome: "skipped", prompt_id: archived.id, versions: [] }]);
  });

  it("checks includes as saving a version does: an unknown slug or a self-include is refused, a snippet from the same document is found wherever it is listed", async () => {
    const { owner } = await workspaceWith();
    const page = uniqueSlug("page");
    const unknown = await owner.call("POST", "/api/prompts/import", { xr2_export: 1, prompts: [{ slug: page, name: "Page", versions: [{ content: 'Hi {% include "no-such-snippet" %}' }] }] });
    expect(unknown.status, JSON.stringify(unknown.body)).toBe(400);
    expect(unknown.body!.error.message).toBe('{% include "no-such-snippet" %}: there is no prompt with the slug "no-such-snippet" in this workspace');
    const self = await owner.call("POST", "/api/prompts/import", { xr2_export: 1, prompts: [{ slug: page, name: "Page", versions: [{ messages: [{ role: "system", content: `Me: {% include "${page}" %}` }] }] }] });
    expect(self.status).toBe(400);
    expect(self.body!.error.message).toBe(`{% include "${page}" %}: a prompt cannot include itself`);
    const existing = await createPrompt(owner);
    const appended = await owner.call("POST", "/api/prompts/import?on_conflict=new_versions", { xr2_export: 1, prompts: [{ slug: existing.slug, name: "Mine", versions: [{ content: '{% include "not-here" %}' }] }] });
    expect(appended.status).toBe(400);
    expect(await versionsOf(owner, existing.id)).toEqual([]);
    const left = await withContext((ctx) => ctx.db().select().from(promptsTable).where(and(eq(promptsTable.workspaceId, owner.workspaceId), eq(promptsTable.slug, page))));
    expect(left).toEqual([]);

    // The snippet listed after the prompt that includes it: both land.
    const footer = uniqueSlug("footer");
    const together = await owner.call("POST", "/api/prompts/import", {
      xr2_export: 1,
      prompts: [
        { slug: page, name: "Page", versions: [{ content: `Hi {% include "${footer}" %}` }] },
        { slug: footer, name: "Footer", versions: [{ content: "Bye" }] },
      ],
    });
    expect(together.status, JSON.stringify(together.body)).toBe(200);
    expect(together.body!.results.map((result: { outcome: string }) => result.outcome)).toEqual(["created", "created"]);
  });

  it("answers 400, 413 or 415, never 500, to malformed documents, and imports nothing", async () => {
    const { owner } = await workspaceWith();
    const prompt = (fields: Record<string, unknown> = {}) => ({ slug: uniqueSlug("bad"), name: "Bad", ...fields });
    const doc = (prompts: unknown[], fields: Record<string, unknown> = {}) => ({ xr2_export: 1, prompts, ...fields });
    const badJson: unknown[] = [
      {},
      [],
      doc([], { xr2_export: 2 }),
      doc([], { extra: true }),
      doc([prompt({ id: "pr_x" })]),
      doc([prompt({ workspace_id: "ws_x" })]),
      doc([prompt({ slug: "Not A Slug" })]),
      doc([prompt({ tags: [{ name: "t", color: "red" }] })]),
      doc([prompt({ tags: [{ name: "t", id: "tag_x" }] })]),
      doc([prompt({ versions: [{ content: "x", id: "pv_x" }] })]),
      doc([prompt({ versions: [{}] })]),
      doc([prompt({ versions: [{ content: "x", messages: [{ role: "user", content: "y" }] }] })]),
      doc([prompt({ versions: [{ kind: "chat", content: "x" }] })]),
      doc([prompt({ versions: [{ content: "x", status: "live" }] })]),
      doc([prompt({ versions: [{ content: "x", variables: [{ name: "v", type: "date" }] }] })]),
      doc([prompt({ versions: [{ content: "x", model_config: { temperature: 9 } }] })]),
      doc([prompt({ versions: [{ content: "x".repeat(100_001) }] })]),
      doc([prompt({ versions: [{ content: "a", version_number: 1 }, { content: "b", version_number: 1 }] })]),
      doc([prompt({ versions: Array.from({ length: 201 }, () => ({ content: "x" })) })]),
      doc([prompt({ slug: "same" }), prompt({ slug: "same" })]),
      doc(Array.from({ length: 101 }, () => prompt())),
    ];
    for (const body of badJson) {
      const response = await owner.call("POST", "/api/prompts/import", body);
      expect(response.status, JSON.stringify(body).slice(0, 150)).toBe(400);
      expect(response.body!.error.code).toBe("VALIDATION_FAILED");
    }
    const badRaw: Array<[string, string, number]> = [
      ["{ not json", "application/json", 400],
      ["", "application/json", 400],
      ["xr2_export: 1\nprompts: [", "application/yaml", 400],
      ["xr2_export: 1\nxr2_export: 1\nprompts: []", "application/yaml", 400],
      ["just a string", "application/yaml", 400],
      ["--- {xr2_export: 1, prompts: []}\n--- {xr2_export: 1, prompts: []}", "application/yaml", 400],
      ["xr2_export: 1\nprompts:\n  - !!js/function 'x'", "application/yaml", 400],
      // "Billion laughs": each level multiplies the aliases.
      ["a: &a [x, x, x, x, x, x, x, x, x]\n" + Array.from({ length: 9 }, (_, i) => `${"b".repeat(i + 1)}: &${"b".repeat(i + 1)} [${Array(9).fill(i === 0 ? "*a" : `*${"b".repeat(i)}`).join(", ")}]`).join("\n") + "\nxr2_export: 1\nprompts: []", "application/yaml", 400],
      ["[".repeat(5000), "application/yaml", 400],
      // Refused before parsing: the parser took 4 s over 300 000 brackets.
      [`xr2_export: 1\nprompts: ${"[".repeat(300_000)}`, "application/yaml", 400],
      ["xr2_export = 1", "text/plain", 415],
      [JSON.stringify(doc([prompt({ versions: [{ content: "x".repeat(1024 * 1024) }] })])), "application/json", 413],
      [`xr2_export: 1\nprompts:\n  - slug: huge\n    name: Huge\n    versions:\n      - content: ${"x".repeat(1024 * 1024)}`, "application/yaml", 413],
    ];
    for (const [rawBody, contentType, status] of badRaw) {
      const response = await send(owner, "/api/prompts/import", rawBody, contentType);
      expect(response.status, `${contentType}: ${rawBody.slice(0, 80)} → ${JSON.stringify(response.body)}`).toBe(status);
    }
    // What the parser would take seconds over is refused after a linear look at the tokens.
    const nested = await send(owner, "/api/prompts/import", `xr2_export: 1\nprompts: [${"{a: ".repeat(65)}1${"}".repeat(65)}]`, "application/yaml");
    expect(nested.body!.error.message).toContain("nested more than 64 deep");
    const manyKeys = await send(owner, "/api/prompts/import", `xr2_export: 1\nprompts: []\n${Array.from({ length: 80_000 }, (_, index) => `k${index}: 1\n`).join("")}`, "application/yaml");
    expect(manyKeys.status).toBe(400);
    expect(manyKeys.body!.error.message).toContain("more than 30000 tokens; send a document this large as JSON");
    const twice = await send(owner, "/api/prompts/import", "xr2_export: 1\nprompts:\n  - slug: a\n    name: A\n    name: B", "application/yaml");
    expect(twice.body!.error.message).toContain('the key "name" appears twice');
    expect((await call("POST", "/api/prompts/import", { token: owner.session.access_token, workspaceId: owner.workspaceId })).status).toBe(400);
    expect((await owner.call("GET", "/api/prompts")).body!.prompts).toEqual([]);
  });

  it("exports only the caller's workspace: active prompts by default, chosen ones (archived too) by id, other workspaces' ids 404", async () => {
    const { owner } = await workspaceWith();
    const stranger = (await workspaceWith()).owner;
    const mine = await createPrompt(owner);
    const archived = await createPrompt(owner);
    expect((await owner.call("DELETE", `/api/prompts/${archived.id}`)).status).toBe(204);
    const theirs = await createPrompt(stranger, { slug: mine.slug });
    await createVersion(stranger, theirs.id, { content: "secret" });

    const all = JSON.parse((await fetchRaw(owner, "/api/prompts/export")).text);
    expect(all.prompts.map((prompt: { slug: string }) => prompt.slug)).toEqual([mine.slug]);
    expect(all.prompts[0].versions).toEqual([]);
    const chosen = JSON.parse((await fetchRaw(owner, `/api/prompts/export?prompt_ids=${archived.id},${mine.id}`)).text);
    expect(chosen.prompts.map((prompt: { slug: string }) => prompt.slug).sort()).toEqual([archived.slug, mine.slug].sort());

    const foreign = await fetchRaw(owner, `/api/prompts/export?prompt_ids=${mine.id},${theirs.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain("secret");
    for (const query of ["format=xml", "prompt_ids=", "prompt_ids=a,,b", `prompt_ids=${Array.from({ length: 101 }, (_, i) => `pr_${i}`).join(",")}`]) {
      expect((await fetchRaw(owner, `/api/prompts/export?${query}`)).status, query).toBe(400);
    }
  });

  it("lets viewers export but not import; members import", async () => {
    const { owner, members } = await workspaceWith("viewer", "member");
    const [viewer, member] = members;
    await createPrompt(owner);
    const exported = await fetchRaw(viewer, "/api/prompts/export?format=yaml");
    expect(exported.status).toBe(200);
    const document = { xr2_export: 1, prompts: [{ slug: uniqueSlug("by-member"), name: "By member" }] };
    expect((await viewer.call("POST", "/api/prompts/import", document)).status).toBe(403);
    expect((await member.call("POST", "/api/prompts/import", document)).status).toBe(200);
  });
});

/** A realistic workspace: each version a few lines of rules with variables, as people write them. */
function realisticDocument(prompts: number, versions: number) {
  const body = (prompt: number, version: number) =>
    [
      `You are a helpful assistant for {company}, answering questions about ${prompt % 7 === 0 ? "billing" : "shipping"}.`,
      "",
      "Rules:",
      "- Answer in the customer's language ({locale}).",
      "- Keep answers under {max_words} words; cite the help-center article when there is one.",
      `- Never promise refunds: "escalate: true" when the customer asks for one (version ${version}).`,
      "",
      "Customer: {question}",
      "Context: {context}",
    ].join("\n");
  return {
    xr2_export: 1 as const,
    prompts: Array.from({ length: prompts }, (_, prompt) => ({
      slug: `support-${prompt}`,
      name: `Support ${prompt}`,
      description: `Support prompt number ${prompt}, used by the help widget`,
      tags: [{ name: "support", color: "#3366ff" }],
      versions: Array.from({ length: versions }, (_, version) => ({
        content: body(prompt, version + 1),
        variables: [
          { name: "company", type: "string" as const, required: true },
          { name: "locale", type: "string" as const, required: false, default: "en" },
          { name: "max_words", type: "number" as const, required: false, default: 120 },
          { name: "question", type: "string" as const, required: true },
          { name: "context", type: "string" as const, required: false },
        ],
        model_config: { provider: "openai", model: "gpt-4o", temperature: 0.2, max_tokens: 600 },
        changelog: version === 0 ? null : `Tightened the rules (v${version + 1})`,
      })),
    })),
  };
}

/** What the site's import dialog does with a YAML file (site/src/prompts/import-dialog.tsx): parse it in the browser and send JSON. */
function readYamlAsTheSiteDoes(text: string): unknown {
  const document = parseDocument(text, { schema: "core", uniqueKeys: true, strict: true, prettyErrors: false });
  expect([...document.errors, ...document.warnings]).toEqual([]);
  return document.toJS({ maxAliasCount: 100 });
}

describe("what an export writes, an import reads", () => {
  it("an export of 100 prompts × 3 realistic versions: refused as YAML at export time with a clear 400, and round-trips as the site does it (YAML written and read in the browser, JSON sent)", async () => {
    const { owner } = await workspaceWith();
    const document = realisticDocument(100, 3);
    const seeded = await send(owner, "/api/prompts/import", JSON.stringify(document), "application/json");
    expect(seeded.status, JSON.stringify(seeded.body).slice(0, 300)).toBe(200);

    // The API's YAML import would refuse this document as too costly to parse, so the YAML export refuses it first.
    const asYaml = await fetchRaw(owner, "/api/prompts/export?format=yaml");
    expect(asYaml.status, asYaml.text.slice(0, 300)).toBe(400);
    expect(JSON.parse(asYaml.text).error).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/too large for POST \/api\/prompts\/import to read as YAML \(it has more than 30000 tokens\): export it with format=json, or fewer prompts at a time with prompt_ids/) });
    const refusedImport = await send(owner, "/api/prompts/import", stringifyYaml(document, { lineWidth: 0 }), "application/yaml");
    expect(refusedImport.status).toBe(400);
    expect(refusedImport.body!.error.message).toContain(`more than ${MAX_YAML_TOKENS} tokens`);

    // The site exports JSON and writes the YAML itself, then reads the file back in the browser and sends JSON.
    const asJson = await fetchRaw(owner, "/api/prompts/export");
    expect(asJson.status).toBe(200);
    const yamlFile = stringifyYaml(JSON.parse(asJson.text), { lineWidth: 0 });
    expect(yamlFile).toBe(await documentToYaml(JSON.parse(asJson.text)));
    const target = await secondWorkspace(owner);
    const imported = await target.call("POST", "/api/prompts/import", readYamlAsTheSiteDoes(yamlFile));
    expect(imported.status, JSON.stringify(imported.body).slice(0, 300)).toBe(200);
    expect(imported.body!.results).toHaveLength(100);
    expect(imported.body!.results.every((result: { outcome: string; versions: unknown[] }) => result.outcome === "created" && result.versions.length === 3)).toBe(true);
    const again = JSON.parse((await fetchRaw(target, "/api/prompts/export")).text);
    const bodies = (exported: { prompts: Array<{ versions: Array<{ content: string }> }> }) => exported.prompts.flatMap((prompt) => prompt.versions.map((version) => version.content));
    expect(bodies(again)).toEqual(bodies(JSON.parse(asJson.text)));

    // A smaller selection is still exported as YAML and read back by the API's YAML import.
    const someIds = (await owner.call("GET", "/api/prompts?limit=10")).body!.prompts.map((prompt: { id: string }) => prompt.id).join(",");
    const few = await fetchRaw(owner, `/api/prompts/export?format=yaml&prompt_ids=${someIds}`);
    expect(few.status, few.text.slice(0, 300)).toBe(200);
    const third = await secondWorkspace(owner);
    const fewImported = await send(third, "/api/prompts/import", few.text, "application/yaml", third.workspaceId);
    expect(fewImported.status, JSON.stringify(fewImported.body).slice(0, 300)).toBe(200);
    expect(fewImported.body!.results).toHaveLength(10);
  });

  it("refuses an export whose document, not just its raw version bodies, is past the import's body limit, and allows one of exactly that size", async () => {
    // Eight versions of 100 000 characters with a newline every five (each "\n" two bytes in
    // JSON): 800 KB of raw bodies, under MAX_EXPORT_BODY_BYTES, 960 KB as JSON. A ninth version
    // of plain letters then brings the document to MAX_BODY_BYTES exactly, or one byte past it.
    const lines = "abcd\n".repeat(20_000);
    async function exportWithLast(letters: number) {
      const { owner } = await workspaceWith();
      const prompt = await createPrompt(owner, { slug: "sized" });
      for (let index = 0; index < 8; index++) await createVersion(owner, prompt.id, { content: lines });
      await createVersion(owner, prompt.id, { content: "a".repeat(letters) });
      return { owner, exported: await fetchRaw(owner, "/api/prompts/export") };
    }
    const probe = await exportWithLast(1);
    expect(probe.exported.status).toBe(200);
    const probeBytes = new TextEncoder().encode(probe.exported.text).byteLength;
    const fitting = 1 + MAX_BODY_BYTES - probeBytes;
    expect(8 * lines.length + fitting).toBeLessThan(MAX_EXPORT_BODY_BYTES);

    const atLimit = await exportWithLast(fitting);
    expect(atLimit.exported.status, atLimit.exported.text.slice(0, 300)).toBe(200);
    expect(new TextEncoder().encode(atLimit.exported.text).byteLength).toBe(MAX_BODY_BYTES);
    const target = await secondWorkspace(atLimit.owner);
    const reimported = await send(target, "/api/prompts/import?on_conflict=skip", atLimit.exported.text, "application/json", target.workspaceId);
    expect(reimported.status, JSON.stringify(reimported.body).slice(0, 300)).toBe(200);
    expect(reimported.body!.results[0].versions).toHaveLength(9);

    const past = await exportWithLast(fitting + 1);
    expect(past.exported.status).toBe(400);
    expect(JSON.parse(past.exported.text).error).toMatchObject({
      code: "VALIDATION_FAILED",
      message: `This export is ${MAX_BODY_BYTES + 1} bytes as JSON, more than one import takes (${MAX_BODY_BYTES} bytes): export fewer prompts at a time with prompt_ids`,
    });
    // As YAML it is larger still, and refused the same way.
    const pastYaml = await fetchRaw(past.owner, "/api/prompts/export?format=yaml");
    expect(pastYaml.status).toBe(400);
    expect(JSON.parse(pastYaml.text).error.message).toMatch(/bytes as YAML, more than one import takes .*or as format=json/);
  });
});

describe("copy", () => {
  it("copies a prompt with its versions (as drafts) and tags into another workspace, audited in both", async () => {
    const { owner } = await workspaceWith();
    const source = await richPrompt(owner);
    const target = await secondWorkspace(owner);
    const copied = await owner.call("POST", `/api/prompts/${source.id}/copy`, { target_workspace_id: target.workspaceId });
    expect(copied.status, JSON.stringify(copied.body)).toBe(201);
    expect(copied.body).toMatchObject({ workspace_id: target.workspaceId, prompt: { slug: source.slug, name: source.name, status: "active", owner_id: owner.session.user.id }, versions: [{ version_number: 1 }, { version_number: 2 }] });
    const copyId = copied.body!.prompt.id as string;
    expect(copyId).not.toBe(source.id);
    expect(copied.body!.prompt.tags.map((tag: { name: string; color: string }) => [tag.name, tag.color])).toEqual(source.tags.map((tag) => [tag.name, tag.color]));
    const targetTags = (await target.call("GET", "/api/tags")).body!;
    expect(JSON.stringify(targetTags)).toContain(`tag-${source.slug}`);

    const [before, after] = [await versionsOf(owner, source.id), await versionsOf(target, copyId)];
    expect(after.map(bodyOf)).toEqual(before.map(bodyOf));
    expect(after.map((version) => version.status)).toEqual(["draft", "draft"]);
    // The source is untouched, and the copy is not reachable from the source workspace.
    expect((await owner.call("GET", `/api/prompts/${source.id}`)).body!.environments.production).toBeDefined();
    expect((await owner.call("GET", `/api/prompts/${copyId}`)).status).toBe(404);

    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(inArray(auditLog.action, ["prompt.copy_in", "prompt.copy_out"])));
    const link = { source_workspace_id: owner.workspaceId, source_prompt_id: source.id, target_workspace_id: target.workspaceId, target_prompt_id: copyId };
    expect(audit.filter((row) => row.workspaceId === target.workspaceId)).toMatchObject([{ action: "prompt.copy_in", targetId: copyId, after: link }]);
    expect(audit.filter((row) => row.workspaceId === owner.workspaceId)).toMatchObject([{ action: "prompt.copy_out", targetId: source.id, after: link }]);

    const conflict = await owner.call("POST", `/api/prompts/${source.id}/copy`, { target_workspace_id: target.workspaceId });
    expect(conflict.status).toBe(409);
    const renamed = await owner.call("POST", `/api/prompts/${source.id}/copy`, { target_workspace_id: target.workspaceId, slug: `${source.slug}-copy` });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(201);
    expect(renamed.body!.prompt.slug).toBe(`${source.slug}-copy`);
    // The source workspace may be named by the workspace_id field instead of the header.
    const byField = await call("POST", `/api/prompts/${source.id}/copy`, { token: owner.session.access_token, body: { workspace_id: owner.workspaceId, target_workspace_id: target.workspaceId, slug: `${source.slug}-field` } });
    expect(byField.status, JSON.stringify(byField.body)).toBe(201);
    expect(byField.body).toMatchObject({ workspace_id: target.workspaceId, prompt: { slug: `${source.slug}-field` } });
  });

  it("refuses targets the caller cannot write to (404 not a member, 403 viewer) and prompts of other workspaces (404)", async () => {
    const { owner: targetOwner, members } = await workspaceWith("viewer", "member");
    const [viewer, member] = members;
    const viewersOwn = await secondWorkspace(viewer);
    const prompt = await createPrompt(viewersOwn);
    await createVersion(viewersOwn, prompt.id, { content: "x" });

    const asViewer = await viewersOwn.call("POST", `/api/prompts/${prompt.id}/copy`, { target_workspace_id: targetOwner.workspaceId });
    expect(asViewer.status, JSON.stringify(asViewer.body)).toBe(403);
    const stranger = await registerUser();
    const notMember = await call("POST", `/api/prompts/${prompt.id}/copy`, { token: viewersOwn.session.access_token, workspaceId: viewersOwn.workspaceId, body: { target_workspace_id: (await createWorkspace(stranger)).id } });
    expect(notMember.status).toBe(404);
    expect(notMember.body!.error.message).toBe("Workspace not found");
    for (const target_workspace_id of ["ws_01jnotaworkspace0000000000", "nonsense"]) {
      expect((await viewersOwn.call("POST", `/api/prompts/${prompt.id}/copy`, { target_workspace_id })).status).toBe(404);
    }
    // A prompt id of another workspace is not found in the caller's.
    expect((await targetOwner.call("POST", `/api/prompts/${prompt.id}/copy`, { target_workspace_id: targetOwner.workspaceId })).status).toBe(404);
    for (const body of [{}, { target_workspace_id: "" }, { target_workspace_id: targetOwner.workspaceId, slug: "Bad Slug" }, { target_workspace_id: targetOwner.workspaceId, extra: 1 }]) {
      expect((await viewersOwn.call("POST", `/api/prompts/${prompt.id}/copy`, body)).status, JSON.stringify(body)).toBe(400);
    }
    const nothing = await withContext((ctx) => ctx.db().select().from(promptsTable).where(eq(promptsTable.workspaceId, targetOwner.workspaceId)));
    expect(nothing).toEqual([]);

    // A member of the target may copy into it.
    const memberOwn = await secondWorkspace(member);
    const memberPrompt = await createPrompt(memberOwn);
    expect((await memberOwn.call("POST", `/api/prompts/${memberPrompt.id}/copy`, { target_workspace_id: targetOwner.workspaceId })).status).toBe(201);
  });
});
