import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, workspaces } from "@xr2/db/schema";
import { kvKeys, publishedPromptSchema, type Environment } from "@xr2/shared";
import { rebuildProjection } from "../../services/projection/rebuild-projection.ts";
import { createPrompt, createVersion, withContext, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";

/** A prompt with v1 serving production and v2 out of draft (published to staging), plus a draft v3. */
async function promptWithVersions(as: Actor) {
  const prompt = await createPrompt(as);
  const v1 = await createVersion(as, prompt.id, { content: "Hello {name}" });
  const v2 = await createVersion(as, prompt.id, { content: "Hi there, {name}!" });
  const v3 = await createVersion(as, prompt.id, { content: "Draft {name}" });
  expect((await as.call("PUT", `/api/prompts/${prompt.id}/versions/${v1.id}/publish`, { environment: "production" })).status).toBe(200);
  expect((await as.call("PUT", `/api/prompts/${prompt.id}/versions/${v2.id}/publish`, { environment: "staging" })).status).toBe(200);
  return { prompt, v1, v2, draft: v3 };
}

function experimentBody(promptId: string, versionIds: string[], fields: Record<string, unknown> = {}) {
  return { prompt_id: promptId, environment: "production", name: "Shorter greeting", primary_event: "signup", variants: versionIds.map((version_id) => ({ version_id, weight: 50 })), ...fields };
}

async function projection(workspaceId: string, environment: Environment, slug: string) {
  const raw = await withContext((ctx) => ctx.kv.get(kvKeys.publishedPrompt(workspaceId, environment, slug), "json"));
  return raw === null ? null : publishedPromptSchema.parse(raw);
}

async function auditOf(workspaceId: string, experimentId: string) {
  const rows = await withContext((ctx) =>
    ctx
      .db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.targetId, experimentId)))
      .orderBy(auditLog.createdAt, auditLog.id),
  );
  return rows.map((row) => row.action);
}

describe("experiments", () => {
  it("creates a draft with default keys, edits it, starts it into KV, stops it out of KV, and audits each step", async () => {
    const { owner } = await workspaceWith();
    const { prompt, v1, v2 } = await promptWithVersions(owner);

    const created = await owner.call("POST", "/api/experiments", { ...experimentBody(prompt.id, [v1.id, v2.id]), description: " Is shorter better? " });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^exp_[0-9a-z]{26}$/),
      prompt_id: prompt.id,
      environment: "production",
      name: "Shorter greeting",
      description: "Is shorter better?",
      status: "draft",
      primary_event: "signup",
      variants: [
        { key: "control", version_id: v1.id, version_number: 1, weight: 50, is_control: true },
        { key: "variant_1", version_id: v2.id, version_number: 2, weight: 50, is_control: false },
      ],
      started_at: null,
      stopped_at: null,
      created_by_id: owner.session.user.id,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = created.body!.id as string;
    // A draft changes nothing at the edge.
    expect((await projection(owner.workspaceId, "production", prompt.slug))?.experiment).toBeUndefined();

    const edited = await owner.call("PATCH", `/api/experiments/${id}`, { name: "Greeting length", variants: [{ version_id: v1.id, weight: 1 }, { version_id: v2.id, weight: 3, key: "short" }] });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body!.variants).toEqual([
      { key: "control", version_id: v1.id, version_number: 1, weight: 1, is_control: true },
      { key: "short", version_id: v2.id, version_number: 2, weight: 3, is_control: false },
    ]);
    expect((await owner.call("GET", `/api/experiments/${id}`)).body).toEqual(edited.body);

    const started = await owner.call("POST", `/api/experiments/${id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toMatchObject({ status: "running", started_at: expect.any(String), stopped_at: null });
    const projected = await projection(owner.workspaceId, "production", prompt.slug);
    expect(projected).toMatchObject({ version_id: v1.id, version: 1, content: "Hello {name}" });
    expect(projected!.experiment).toEqual({
      id,
      variants: [
        { key: "control", weight: 1, version: expect.objectContaining({ version_id: v1.id, version: 1, kind: "text", content: "Hello {name}", messages: null }) },
        { key: "short", weight: 3, version: expect.objectContaining({ version_id: v2.id, version: 2, kind: "text", content: "Hi there, {name}!" }) },
      ],
    });
    // Other environments of the prompt are untouched.
    expect((await projection(owner.workspaceId, "staging", prompt.slug))?.experiment).toBeUndefined();

    // Starting again repairs KV and changes nothing else.
    await withContext((ctx) => ctx.kv.put(kvKeys.publishedPrompt(owner.workspaceId, "production", prompt.slug), JSON.stringify({ ...projected, experiment: undefined })));
    const again = await owner.call("POST", `/api/experiments/${id}/start`);
    expect(again.body).toEqual(started.body);
    expect((await projection(owner.workspaceId, "production", prompt.slug))?.experiment?.id).toBe(id);

    // A running experiment is neither edited nor deleted.
    expect((await owner.call("PATCH", `/api/experiments/${id}`, { name: "Renamed" })).status).toBe(409);
    expect((await owner.call("DELETE", `/api/experiments/${id}`)).status).toBe(409);

    const stopped = await owner.call("POST", `/api/experiments/${id}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ status: "stopped", started_at: started.body!.started_at, stopped_at: expect.any(String) });
    const afterStop = await projection(owner.workspaceId, "production", prompt.slug);
    expect(afterStop).toMatchObject({ version_id: v1.id });
    expect(afterStop!.experiment).toBeUndefined();
    expect((await owner.call("POST", `/api/experiments/${id}/stop`)).body).toEqual(stopped.body);
    expect((await owner.call("POST", `/api/experiments/${id}/start`)).status).toBe(409);
    expect((await owner.call("PATCH", `/api/experiments/${id}`, { name: "Renamed" })).status).toBe(409);

    expect((await owner.call("DELETE", `/api/experiments/${id}`)).status).toBe(204);
    expect((await owner.call("GET", `/api/experiments/${id}`)).status).toBe(404);
    expect(await auditOf(owner.workspaceId, id)).toEqual(["experiment.create", "experiment.update", "experiment.start", "experiment.stop", "experiment.delete"]);
  });

  it("keeps the variants in KV through a publish and a rollback while the experiment runs", async () => {
    const { owner } = await workspaceWith();
    const { prompt, v1, v2 } = await promptWithVersions(owner);
    const id = (await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id]))).body!.id as string;
    expect((await owner.call("POST", `/api/experiments/${id}/start`)).status).toBe(200);

    expect((await owner.call("PUT", `/api/prompts/${prompt.id}/versions/${v2.id}/publish`, { environment: "production" })).status).toBe(200);
    const published = await projection(owner.workspaceId, "production", prompt.slug);
    expect(published).toMatchObject({ version_id: v2.id, experiment: { id } });
    expect(published!.experiment!.variants.map((variant) => variant.version.version_id)).toEqual([v1.id, v2.id]);

    expect((await owner.call("POST", `/api/prompts/${prompt.id}/rollback`, { environment: "production" })).status).toBe(200);
    expect(await projection(owner.workspaceId, "production", prompt.slug)).toMatchObject({ version_id: v1.id, experiment: { id } });

    // The admin rebuild writes the same entry.
    await withContext((ctx) => ctx.kv.delete(kvKeys.publishedPrompt(owner.workspaceId, "production", prompt.slug)));
    await withContext((ctx) => rebuildProjection({ ctx, input: { workspaceId: owner.workspaceId } }));
    expect(await projection(owner.workspaceId, "production", prompt.slug)).toMatchObject({ version_id: v1.id, experiment: { id } });
  });

  it("runs one experiment per prompt and environment (409 for a second) and frees the slot when stopped", async () => {
    const { owner } = await workspaceWith();
    const { prompt, v1, v2 } = await promptWithVersions(owner);
    const first = (await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id]))).body!.id as string;
    const second = (await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v2.id, v1.id]))).body!.id as string;
    const staging = (await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v2.id, v1.id], { environment: "staging" }))).body!.id as string;
    expect((await owner.call("POST", `/api/experiments/${first}/start`)).status).toBe(200);
    const refused = await owner.call("POST", `/api/experiments/${second}/start`);
    expect(refused.status).toBe(409);
    expect(refused.body!.error.message).toContain(first);
    expect((await owner.call("POST", `/api/experiments/${staging}/start`)).status).toBe(200);
    expect((await owner.call("POST", `/api/experiments/${first}/stop`)).status).toBe(200);
    expect((await owner.call("POST", `/api/experiments/${second}/start`)).status).toBe(200);
    expect((await projection(owner.workspaceId, "production", prompt.slug))?.experiment?.id).toBe(second);
    expect((await projection(owner.workspaceId, "staging", prompt.slug))?.experiment?.id).toBe(staging);
  });

  it("refuses drafts, other prompts' versions, unpublished environments and archived prompts", async () => {
    const { owner } = await workspaceWith();
    const { prompt, v1, v2, draft } = await promptWithVersions(owner);
    const other = await promptWithVersions(owner);

    const withDraft = await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, draft.id]));
    expect(withDraft.status).toBe(409);
    expect(withDraft.body!.error.message).toContain("draft");
    expect((await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, other.v1.id]))).status).toBe(404);
    expect((await owner.call("POST", "/api/experiments", experimentBody("pr_unknown", [v1.id, v2.id]))).status).toBe(404);

    const development = await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id], { environment: "development" }));
    expect(development.status).toBe(201);
    const unpublished = await owner.call("POST", `/api/experiments/${development.body!.id}/start`);
    expect(unpublished.status).toBe(409);
    expect(unpublished.body!.error.message).toContain("development");
    expect((await owner.call("POST", `/api/experiments/${development.body!.id}/stop`)).status).toBe(409);

    const draftExperiment = (await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id]))).body!.id as string;
    expect((await owner.call("PATCH", `/api/experiments/${draftExperiment}`, { variants: [{ version_id: v1.id }, { version_id: draft.id }] })).status).toBe(409);
    expect((await owner.call("DELETE", `/api/prompts/${prompt.id}`)).status).toBe(204);
    expect((await owner.call("POST", `/api/experiments/${draftExperiment}/start`)).status).toBe(409);
    expect((await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id]))).status).toBe(409);
  });

  it("answers 400 to malformed bodies and queries", async () => {
    const { owner } = await workspaceWith();
    const { prompt, v1, v2 } = await promptWithVersions(owner);
    const ok = experimentBody(prompt.id, [v1.id, v2.id]);
    const id = (await owner.call("POST", "/api/experiments", ok)).body!.id as string;
    const variant = { version_id: v1.id, weight: 1 };
    for (const [method, path, body] of [
      ["POST", "/api/experiments", {}],
      ["POST", "/api/experiments", { ...ok, variants: [variant] }],
      ["POST", "/api/experiments", { ...ok, variants: Array.from({ length: 11 }, () => variant) }],
      ["POST", "/api/experiments", { ...ok, variants: [variant, { ...variant, weight: 0 }] }],
      ["POST", "/api/experiments", { ...ok, variants: [variant, { ...variant, weight: 10_001 }] }],
      ["POST", "/api/experiments", { ...ok, variants: [variant, { ...variant, weight: 1.5 }] }],
      ["POST", "/api/experiments", { ...ok, variants: [variant, { ...variant, key: "control" }] }],
      ["POST", "/api/experiments", { ...ok, variants: [variant, { ...variant, key: "no spaces" }] }],
      ["POST", "/api/experiments", { ...ok, variants: [variant, { ...variant, extra: 1 }] }],
      ["POST", "/api/experiments", { ...ok, name: "  " }],
      ["POST", "/api/experiments", { ...ok, primary_event: "Sign Up" }],
      ["POST", "/api/experiments", { ...ok, environment: "prod" }],
      ["POST", "/api/experiments", { ...ok, status: "running" }],
      ["PATCH", `/api/experiments/${id}`, {}],
      ["PATCH", `/api/experiments/${id}`, { variants: [] }],
      ["PATCH", `/api/experiments/${"e".repeat(65)}`, { name: "x" }],
      ["GET", "/api/experiments?status=paused", undefined],
      ["GET", "/api/experiments?limit=0", undefined],
      ["GET", "/api/experiments?cursor=garbage", undefined],
      ["GET", "/api/experiments?unknown=1", undefined],
    ] as const) {
      const response = await owner.call(method, path, body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`).toBe(400);
    }
  });

  it("lists newest first with filters and a cursor that neither repeats nor skips", async () => {
    const { owner } = await workspaceWith();
    const { prompt, v1, v2 } = await promptWithVersions(owner);
    const other = await promptWithVersions(owner);
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) ids.push((await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id], { name: `E${index}` }))).body!.id as string);
    const otherId = (await owner.call("POST", "/api/experiments", experimentBody(other.prompt.id, [other.v1.id, other.v2.id]))).body!.id as string;
    expect((await owner.call("POST", `/api/experiments/${ids[1]}/start`)).status).toBe(200);

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page = await owner.call("GET", `/api/experiments?prompt_id=${prompt.id}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...page.body!.experiments.map((experiment: { id: string }) => experiment.id));
      cursor = page.body!.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await owner.call("GET", "/api/experiments?status=running")).body!.experiments.map((experiment: { id: string }) => experiment.id)).toEqual([ids[1]]);
    expect((await owner.call("GET", "/api/experiments?status=draft&limit=100")).body!.experiments).toHaveLength(5);
    expect((await owner.call("GET", `/api/experiments?prompt_id=${other.prompt.id}`)).body!.experiments.map((experiment: { id: string }) => experiment.id)).toEqual([otherId]);
    expect((await owner.call("GET", "/api/experiments?environment=staging")).body!.experiments).toEqual([]);
  });

  it("lets viewers read but not manage, members start, and hides other workspaces' experiments (404)", async () => {
    const { owner, members } = await workspaceWith("viewer", "member");
    const [viewer, member] = members;
    const { owner: outsider } = await workspaceWith();
    const { prompt, v1, v2 } = await promptWithVersions(owner);
    const id = (await owner.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id]))).body!.id as string;

    expect((await viewer.call("GET", `/api/experiments/${id}`)).status).toBe(200);
    expect((await viewer.call("GET", "/api/experiments")).body!.experiments).toHaveLength(1);
    expect((await viewer.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id]))).status).toBe(403);
    expect((await viewer.call("POST", `/api/experiments/${id}/start`)).status).toBe(403);
    expect((await viewer.call("DELETE", `/api/experiments/${id}`)).status).toBe(403);

    for (const [method, path] of [
      ["GET", `/api/experiments/${id}`],
      ["PATCH", `/api/experiments/${id}`],
      ["DELETE", `/api/experiments/${id}`],
      ["POST", `/api/experiments/${id}/start`],
      ["POST", `/api/experiments/${id}/stop`],
    ] as const) {
      const response = await outsider.call(method, path, method === "PATCH" ? { name: "stolen" } : undefined);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect((await outsider.call("GET", "/api/experiments")).body!.experiments).toEqual([]);
    // The outsider's own workspace cannot reach the owner's prompt or versions either.
    const { prompt: theirs, v1: theirV1, v2: theirV2 } = await promptWithVersions(outsider);
    expect((await outsider.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id]))).status).toBe(404);
    expect((await outsider.call("POST", "/api/experiments", experimentBody(theirs.id, [theirV1.id, v2.id]))).status).toBe(404);
    expect((await outsider.call("POST", "/api/experiments", experimentBody(theirs.id, [theirV1.id, theirV2.id]))).status).toBe(201);

    expect((await member.call("POST", `/api/experiments/${id}/start`)).status).toBe(200);
    expect((await owner.call("GET", `/api/experiments/${id}`)).body!.status).toBe("running");
  });

  it("lets only an Admin start a production experiment with a version that never served production when approvals are required", async () => {
    const { owner, members } = await workspaceWith("member");
    const [member] = members;
    const { prompt, v1, v2 } = await promptWithVersions(owner);
    await withContext((ctx) => ctx.db().update(workspaces).set({ requireProductionApproval: true }).where(eq(workspaces.id, owner.workspaceId)));
    const id = (await member.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id]))).body!.id as string;
    const refused = await member.call("POST", `/api/experiments/${id}/start`);
    expect(refused.status).toBe(403);
    expect(refused.body!.error.message).toContain("version 2");
    expect((await owner.call("POST", `/api/experiments/${id}/start`)).status).toBe(200);
    expect((await owner.call("POST", `/api/experiments/${id}/stop`)).status).toBe(200);

    // Between versions that both served production, a member may start one.
    const both = (await member.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v1.id], { variants: [{ version_id: v1.id }, { version_id: v1.id, key: "a_a" }] }))).body!;
    expect(both.variants.map((variant: { key: string; weight: number }) => [variant.key, variant.weight])).toEqual([
      ["control", 1],
      ["a_a", 1],
    ]);
    expect((await member.call("POST", `/api/experiments/${both.id}/start`)).status).toBe(200);
    expect((await member.call("POST", `/api/experiments/${both.id}/stop`)).status).toBe(200);

    // v2 served production once (an Admin published it, then rolled back): it no longer needs approval.
    expect((await owner.call("PUT", `/api/prompts/${prompt.id}/versions/${v2.id}/publish`, { environment: "production" })).status).toBe(200);
    expect((await owner.call("POST", `/api/prompts/${prompt.id}/rollback`, { environment: "production" })).status).toBe(200);
    const again = (await member.call("POST", "/api/experiments", experimentBody(prompt.id, [v1.id, v2.id]))).body!;
    expect((await member.call("POST", `/api/experiments/${again.id}/start`)).status).toBe(200);
  });
});
