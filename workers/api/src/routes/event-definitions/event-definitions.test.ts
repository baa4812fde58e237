import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog } from "@xr2/db/schema";
import { kvKeys, type EventDefinitionsRecord } from "@xr2/shared";
import { rebuildProjection } from "../../services/projection/rebuild-projection.ts";
import { resolveEventDefinitions } from "../../services/event-definitions/resolve-event-definitions.ts";
import { withContext, workspaceWith } from "../prompts/prompt-test-support.ts";

const purchase = {
  event_name: "purchase",
  category: "conversion",
  required_fields: [{ name: "amount", type: "number" }],
  optional_fields: [{ name: "currency", type: "string" }],
};

function projection(workspaceId: string) {
  return withContext((ctx) => ctx.kv.get<EventDefinitionsRecord>(kvKeys.eventDefinitions(workspaceId), "json"));
}

describe("event definitions", () => {
  it("creates, lists, reads, changes and deletes definitions, auditing each change and projecting them for the edge", async () => {
    const { owner } = await workspaceWith();
    const created = await owner.call("POST", "/api/event-definitions", purchase);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^evd_[0-9a-z]{26}$/), ...purchase, description: null, created_at: expect.any(String), updated_at: expect.any(String) });
    const signup = await owner.call("POST", "/api/event-definitions", { event_name: "signup", category: "activation", description: "A new account" });
    expect(signup.body).toMatchObject({ required_fields: [], optional_fields: [], description: "A new account" });
    expect(await projection(owner.workspaceId)).toEqual({
      workspace_id: owner.workspaceId,
      definitions: [
        { event_name: "purchase", category: "conversion", required_fields: purchase.required_fields, optional_fields: purchase.optional_fields },
        { event_name: "signup", category: "activation", required_fields: [], optional_fields: [] },
      ],
    });

    const list = await owner.call("GET", "/api/event-definitions");
    expect(list.body!.event_definitions.map((definition: { event_name: string }) => definition.event_name)).toEqual(["purchase", "signup"]);
    expect((await owner.call("GET", `/api/event-definitions/${created.body!.id}`)).body).toEqual(created.body);

    const changed = await owner.call("PATCH", `/api/event-definitions/${created.body!.id}`, { optional_fields: [{ name: "coupon", type: "boolean" }], category: "revenue" });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ event_name: "purchase", category: "revenue", required_fields: purchase.required_fields, optional_fields: [{ name: "coupon", type: "boolean" }] });
    expect((await projection(owner.workspaceId))!.definitions[0]).toEqual({ event_name: "purchase", category: "revenue", required_fields: purchase.required_fields, optional_fields: [{ name: "coupon", type: "boolean" }] });

    expect((await owner.call("DELETE", `/api/event-definitions/${created.body!.id}`)).status).toBe(204);
    expect((await owner.call("DELETE", `/api/event-definitions/${created.body!.id}`)).status).toBe(404);
    expect((await owner.call("GET", `/api/event-definitions/${created.body!.id}`)).status).toBe(404);
    expect((await projection(owner.workspaceId))!.definitions.map((definition) => definition.event_name)).toEqual(["signup"]);

    const audit = await withContext((ctx) =>
      ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.targetId, created.body!.id))).orderBy(auditLog.createdAt, auditLog.id),
    );
    expect(audit.map((row) => [row.action, row.before?.category ?? null, row.after?.category ?? null])).toEqual([
      ["event_definition.create", null, "conversion"],
      ["event_definition.update", "conversion", "revenue"],
      ["event_definition.delete", "revenue", null],
    ]);
  });

  it("keeps event names unique per workspace (409), not across workspaces", async () => {
    const { owner } = await workspaceWith();
    const { owner: other } = await workspaceWith();
    const first = await owner.call("POST", "/api/event-definitions", purchase);
    const second = await owner.call("POST", "/api/event-definitions", { ...purchase, event_name: "refund" });
    expect((await owner.call("POST", "/api/event-definitions", purchase)).status).toBe(409);
    expect((await owner.call("PATCH", `/api/event-definitions/${second.body!.id}`, { event_name: "purchase" })).status).toBe(409);
    expect((await owner.call("PATCH", `/api/event-definitions/${first.body!.id}`, { event_name: "purchase" })).status).toBe(200);
    expect((await other.call("POST", "/api/event-definitions", purchase)).status).toBe(201);
  });

  it("answers 400 to malformed definitions", async () => {
    const { owner } = await workspaceWith();
    const created = await owner.call("POST", "/api/event-definitions", purchase);
    const tooMany = Array.from({ length: 33 }, (_, index) => ({ name: `f${index}`, type: "string" }));
    for (const [method, path, body] of [
      ["POST", "/api/event-definitions", {}],
      ["POST", "/api/event-definitions", { ...purchase, event_name: "Purchase Made" }],
      ["POST", "/api/event-definitions", { ...purchase, event_name: "x".repeat(65) }],
      ["POST", "/api/event-definitions", { ...purchase, category: "" }],
      ["POST", "/api/event-definitions", { ...purchase, required_fields: [{ name: "amount", type: "money" }] }],
      ["POST", "/api/event-definitions", { ...purchase, required_fields: [{ name: "has space", type: "string" }] }],
      ["POST", "/api/event-definitions", { ...purchase, optional_fields: [{ name: "amount", type: "string" }] }],
      ["POST", "/api/event-definitions", { ...purchase, required_fields: [{ name: "a", type: "string" }, { name: "a", type: "number" }] }],
      ["POST", "/api/event-definitions", { ...purchase, required_fields: tooMany }],
      ["POST", "/api/event-definitions", { ...purchase, required_fields: tooMany.slice(0, 20), optional_fields: tooMany.slice(20).map((field) => ({ ...field, name: `o${field.name}` })) }],
      ["POST", "/api/event-definitions", { ...purchase, extra: 1 }],
      ["PATCH", `/api/event-definitions/${created.body!.id}`, {}],
      ["PATCH", `/api/event-definitions/${created.body!.id}`, { optional_fields: [{ name: "amount", type: "number" }] }],
      ["PATCH", `/api/event-definitions/${"e".repeat(65)}`, { category: "x" }],
    ] as const) {
      const response = await owner.call(method, path, body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body).slice(0, 200)}`).toBe(400);
    }
  });

  it("lets viewers read definitions but not change them, and hides other workspaces' definitions (404)", async () => {
    const { owner, members } = await workspaceWith("viewer", "member");
    const [viewer, member] = members;
    const { owner: outsider } = await workspaceWith();
    const created = await owner.call("POST", "/api/event-definitions", purchase);
    expect((await viewer.call("GET", "/api/event-definitions")).body!.event_definitions).toHaveLength(1);
    expect((await viewer.call("GET", `/api/event-definitions/${created.body!.id}`)).status).toBe(200);
    expect((await viewer.call("POST", "/api/event-definitions", { ...purchase, event_name: "mine" })).status).toBe(403);
    expect((await viewer.call("PATCH", `/api/event-definitions/${created.body!.id}`, { category: "x" })).status).toBe(403);
    expect((await viewer.call("DELETE", `/api/event-definitions/${created.body!.id}`)).status).toBe(403);
    expect((await member.call("PATCH", `/api/event-definitions/${created.body!.id}`, { category: "x" })).status).toBe(200);

    expect((await outsider.call("GET", "/api/event-definitions")).body!.event_definitions).toEqual([]);
    expect((await outsider.call("GET", `/api/event-definitions/${created.body!.id}`)).status).toBe(404);
    expect((await outsider.call("PATCH", `/api/event-definitions/${created.body!.id}`, { category: "stolen" })).status).toBe(404);
    expect((await outsider.call("DELETE", `/api/event-definitions/${created.body!.id}`)).status).toBe(404);
    expect((await outsider.call("GET", "/api/event-definitions", undefined, owner.workspaceId)).status).toBe(404);
    expect((await owner.call("GET", `/api/event-definitions/${created.body!.id}`)).body).toMatchObject({ category: "x" });
  });

  it("projects a workspace's definitions on a KV miss (also none) and in a KV rebuild", async () => {
    const { owner } = await workspaceWith();
    const empty = await withContext((ctx) => resolveEventDefinitions({ ctx, input: { workspaceId: owner.workspaceId } }));
    expect(empty).toEqual({ workspace_id: owner.workspaceId, definitions: [] });
    expect(await projection(owner.workspaceId)).toEqual(empty);

    await owner.call("POST", "/api/event-definitions", purchase);
    await withContext((ctx) => ctx.kv.delete(kvKeys.eventDefinitions(owner.workspaceId)));
    await withContext((ctx) => rebuildProjection({ ctx, input: { workspaceId: owner.workspaceId } }));
    expect((await projection(owner.workspaceId))!.definitions.map((definition) => definition.event_name)).toEqual(["purchase"]);
  });
});
