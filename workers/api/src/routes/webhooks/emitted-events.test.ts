/**
 * Every change site of the events this file covers records its webhook event, with the payload
 * receivers are promised (the shared schemas), in the transaction of the change: performed
 * through the API, read back from the outbox table of the webhook pipeline (`webhook_events`:
 * workspace_id, type, data).
 */
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { WEBHOOK_PAYLOAD_SCHEMAS, type WebhookEventType } from "@xr2/shared";
import { createPrompt, createVersion, uniqueSlug, withContext, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";
import { createWorkspace } from "../../testing/http.ts";

const SITE = "https://site.test";

/** The events recorded for a workspace, of the given types (in no particular order: the table's columns beyond these three are the pipeline's). */
async function outbox(workspaceId: string, types: WebhookEventType[]): Promise<Array<{ type: WebhookEventType; data: Record<string, unknown> }>> {
  const rows = await withContext((ctx) => ctx.db().execute(sql`select type, data from webhook_events where workspace_id = ${workspaceId}`));
  const events = (rows.rows as Array<{ type: WebhookEventType; data: Record<string, unknown> }>).filter((row) => types.includes(row.type));
  // Each payload is what its schema promises, with nothing the schema does not document.
  for (const event of events) expect(WEBHOOK_PAYLOAD_SCHEMAS[event.type].parse(event.data), event.type).toEqual(event.data);
  return events;
}

/** Exactly these events, in any order. */
function expectEvents(actual: unknown[], expected: unknown[]): void {
  expect(actual).toHaveLength(expected.length);
  expect(actual).toEqual(expect.arrayContaining(expected));
}

const actorOf = (as: Actor) => ({ user_id: as.session.user.id, email: as.session.user.email });

async function publish(as: Actor, promptId: string, versionId: string, body: Record<string, unknown> = {}) {
  return as.call("PUT", `/api/prompts/${promptId}/versions/${versionId}/publish`, body);
}

describe("webhook events recorded by the changes they report", () => {
  it("prompt.created and version.created, with the prompt, the version, the actor and the site's page", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner, { name: "Welcome e-mail" });
    const version = await createVersion(owner, prompt.id, { content: "Hello {name}", changelog: "First cut" });
    const ref = { id: prompt.id, slug: prompt.slug, name: "Welcome e-mail" };
    expectEvents(await outbox(owner.workspaceId, ["prompt.created", "version.created"]), [
      { type: "prompt.created", data: { workspace_id: owner.workspaceId, prompt: ref, origin: "created", versions: [], actor: actorOf(owner), url: `${SITE}/prompts/${prompt.id}` } },
      {
        type: "version.created",
        data: { workspace_id: owner.workspaceId, prompt: ref, version: { id: version.id, number: 1, changelog: "First cut" }, origin: "created", actor: actorOf(owner), url: `${SITE}/prompts/${prompt.id}?tab=versions` },
      },
    ]);
  });

  it("records nothing for a change that fails: a taken slug, a version of an archived prompt", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    expect((await owner.call("POST", "/api/prompts", { slug: prompt.slug, name: "Again" })).status).toBe(409);
    expect((await owner.call("POST", "/api/prompts/bulk", { action: "archive", prompt_ids: [prompt.id] })).status).toBe(200);
    expect((await owner.call("POST", `/api/prompts/${prompt.id}/versions`, { content: "Too late" })).status).toBe(409);
    expect((await outbox(owner.workspaceId, ["prompt.created", "version.created"])).map((event) => event.type)).toEqual(["prompt.created"]);
  });

  it("prompt.created for imported, copied and moved prompts (in the receiving workspace), version.created for versions an import appends", async () => {
    const { owner } = await workspaceWith();
    const slug = uniqueSlug();
    const document = { xr2_export: 1, prompts: [{ slug, name: "Imported", versions: [{ content: "One" }, { content: "Two", changelog: "second" }] }] };
    const imported = await owner.call("POST", "/api/prompts/import", document);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const created = imported.body!.results[0] as { prompt_id: string; versions: Array<{ id: string; version_number: number }> };
    const appended = await owner.call("POST", "/api/prompts/import?on_conflict=new_versions", { xr2_export: 1, prompts: [{ slug, name: "Imported", versions: [{ content: "Three", changelog: "third" }] }] });
    expect(appended.status, JSON.stringify(appended.body)).toBe(200);
    const third = appended.body!.results[0].versions[0] as { id: string };
    const ref = { id: created.prompt_id, slug, name: "Imported" };
    expectEvents(await outbox(owner.workspaceId, ["prompt.created", "version.created"]), [
      { type: "prompt.created", data: expect.objectContaining({ prompt: ref, origin: "imported", versions: created.versions.map((version) => ({ id: version.id, number: version.version_number })) }) },
      { type: "version.created", data: expect.objectContaining({ prompt: ref, version: { id: third.id, number: 3, changelog: "third" }, origin: "imported", actor: actorOf(owner) }) },
    ]);

    const target = await createWorkspace(owner.session, "Second team");
    const copied = await owner.call("POST", `/api/prompts/${created.prompt_id}/copy`, { target_workspace_id: target.id });
    expect(copied.status, JSON.stringify(copied.body)).toBe(201);
    const moved = await owner.call("POST", "/api/prompts/bulk", { action: "move", prompt_ids: [(await createPrompt(owner)).id], target_workspace_id: target.id });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const inTarget = await outbox(target.id, ["prompt.created"]);
    expectEvents(
      inTarget.map((event) => [event.data.origin, (event.data.prompt as { id: string }).id]),
      [
        ["copied", copied.body!.prompt.id],
        ["moved", moved.body!.results[0].target_prompt_id],
      ],
    );
    expect(inTarget.find((event) => event.data.origin === "copied")!.data).toMatchObject({ workspace_id: target.id, versions: [{ number: 1 }, { number: 2 }, { number: 3 }], actor: actorOf(owner) });
  });

  it("approval.requested when a Member's production publish waits, approval.decided when an Admin approves or rejects", async () => {
    const { owner, members } = await workspaceWith("member");
    const [member] = members;
    expect((await owner.call("PATCH", `/api/workspaces/${owner.workspaceId}`, { require_production_approval: true })).status).toBe(200);
    const prompt = await createPrompt(owner);
    const v1 = await createVersion(owner, prompt.id);
    const v2 = await createVersion(owner, prompt.id, { content: "Hi {name}" });
    const requested = await publish(member, prompt.id, v1.id, { note: "ready" });
    expect(requested.status, JSON.stringify(requested.body)).toBe(202);
    const approvalId = requested.body!.approval_request_id as string;
    expect((await owner.call("POST", `/api/approvals/${approvalId}/approve`)).status).toBe(200);
    const second = await publish(member, prompt.id, v2.id);
    expect((await owner.call("POST", `/api/approvals/${second.body!.approval_request_id}/reject`, { note: "not yet" })).status).toBe(200);

    const ref = { id: prompt.id, slug: prompt.slug, name: prompt.name };
    expectEvents(await outbox(owner.workspaceId, ["approval.requested", "approval.decided"]), [
      {
        type: "approval.requested",
        data: { workspace_id: owner.workspaceId, approval: { id: approvalId, status: "pending", comment: "ready" }, prompt: ref, environment: "production", version: { id: v1.id, number: 1 }, actor: actorOf(member), url: `${SITE}/approvals` },
      },
      {
        type: "approval.decided",
        data: {
          workspace_id: owner.workspaceId,
          approval: { id: approvalId, status: "approved", note: null },
          requested_by: actorOf(member),
          prompt: ref,
          environment: "production",
          version: { id: v1.id, number: 1 },
          actor: actorOf(owner),
          url: `${SITE}/approvals`,
        },
      },
      { type: "approval.requested", data: expect.objectContaining({ approval: { id: second.body!.approval_request_id, status: "pending", comment: null }, version: { id: v2.id, number: 2 } }) },
      { type: "approval.decided", data: expect.objectContaining({ approval: { id: second.body!.approval_request_id, status: "rejected", note: "not yet" }, requested_by: actorOf(member) }) },
    ]);
  });

  it("experiment.started with its variants and experiment.stopped, once each (a repeated start or stop records nothing)", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const v1 = await createVersion(owner, prompt.id);
    const v2 = await createVersion(owner, prompt.id, { content: "Hi {name}" });
    expect((await publish(owner, prompt.id, v1.id)).status).toBe(200);
    expect((await publish(owner, prompt.id, v2.id, { environment: "staging" })).status).toBe(200);
    const created = await owner.call("POST", "/api/experiments", { prompt_id: prompt.id, environment: "production", name: "Shorter greeting", primary_event: "signup", variants: [v1.id, v2.id].map((version_id) => ({ version_id, weight: 50 })) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const experimentId = created.body!.id as string;
    for (const step of ["start", "start", "stop", "stop"]) expect((await owner.call("POST", `/api/experiments/${experimentId}/${step}`)).status, step).toBe(200);

    const common = { workspace_id: owner.workspaceId, experiment: { id: experimentId, name: "Shorter greeting", primary_event: "signup" }, prompt: { id: prompt.id, slug: prompt.slug, name: prompt.name }, environment: "production", actor: actorOf(owner), url: `${SITE}/experiments/${experimentId}` };
    expectEvents(await outbox(owner.workspaceId, ["experiment.started", "experiment.stopped"]), [
      {
        type: "experiment.started",
        data: {
          ...common,
          variants: [
            { key: "control", version: { id: v1.id, number: 1 }, weight: 50 },
            { key: "variant_1", version: { id: v2.id, number: 2 }, weight: 50 },
          ],
        },
      },
      { type: "experiment.stopped", data: common },
    ]);
  });

  it("api_key.created and api_key.revoked name the key by id, name and prefix, never by the key itself", async () => {
    const { owner } = await workspaceWith();
    const created = await owner.call("POST", "/api/product-api-keys", { name: "Checkout app", environment: "staging" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const key = created.body as { id: string; key: string; prefix: string; scopes: string[] };
    expect((await owner.call("DELETE", `/api/product-api-keys/${key.id}`)).status).toBe(204);
    expect((await owner.call("DELETE", `/api/product-api-keys/${key.id}`)).status).toBe(204);

    const events = await outbox(owner.workspaceId, ["api_key.created", "api_key.revoked"]);
    const named = { id: key.id, name: "Checkout app", prefix: key.prefix };
    expectEvents(events, [
      { type: "api_key.created", data: { workspace_id: owner.workspaceId, api_key: { ...named, scopes: key.scopes, environment: "staging", expires_at: null }, actor: actorOf(owner), url: `${SITE}/api-keys` } },
      { type: "api_key.revoked", data: { workspace_id: owner.workspaceId, api_key: named, actor: actorOf(owner), url: `${SITE}/api-keys` } },
    ]);
    expect(JSON.stringify(events)).not.toContain(key.key.slice(key.prefix.length));
  });
});
