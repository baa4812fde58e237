import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { apiKeys, auditLog } from "@xr2/db/schema";
import { apiKeyRecordSchema, kvKeys, newId, sha256Hex } from "@xr2/shared";
import { resolveApiKey } from "../../services/api-keys/resolve-api-key.ts";
import { MAX_LIVE_API_KEYS } from "../../services/api-keys/create-api-key.ts";
import { testContext } from "../../testing/fixtures.ts";
import { call, createTeam, registerUser, type TestSession } from "../../testing/http.ts";

const KEY_FORMAT = /^xr2_live_[A-Za-z0-9_-]{43}$/;

async function createKey(admin: TestSession, workspaceId: string, body: Record<string, unknown> = { name: "Checkout app" }) {
  const created = await call("POST", "/api/product-api-keys", { token: admin.access_token, workspaceId, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; key: string; prefix: string; name: string; scopes: string[]; environment: string | null; expires_at: string | null; created_at: string };
}

async function withContext<T>(run: (ctx: ReturnType<typeof testContext>) => Promise<T>): Promise<T> {
  const ctx = testContext();
  try {
    return await run(ctx);
  } finally {
    await ctx.dispose();
  }
}

async function kvRecord(key: string) {
  return withContext(async (ctx) => {
    const raw = await ctx.kv.get(kvKeys.apiKey(sha256Hex(key)), "json");
    return raw === null ? null : apiKeyRecordSchema.parse(raw);
  });
}

describe("POST /api/product-api-keys", () => {
  it("creates a key shown once, stores only its SHA-256, projects it into KV and audits it without the secret", async () => {
    const { owner, workspace } = await createTeam([]);
    const created = await createKey(owner, workspace.id);
    expect(created).toEqual({
      id: expect.stringMatching(/^key_/),
      key: expect.stringMatching(KEY_FORMAT),
      prefix: created.key.slice(0, 12),
      name: "Checkout app",
      scopes: ["prompts:read", "events:write"],
      environment: null,
      expires_at: null,
      rate_limit: null,
      created_at: expect.any(String),
    });

    const keyHash = sha256Hex(created.key);
    const [row, audit] = await withContext(async (ctx) => [
      (await ctx.db().select().from(apiKeys).where(eq(apiKeys.id, created.id)))[0],
      await ctx.db().select().from(auditLog).where(eq(auditLog.targetId, created.id)),
    ] as const);
    expect(row).toMatchObject({ workspaceId: workspace.id, keyHash, prefix: created.prefix, createdById: owner.user.id, revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(created.key.slice(12));

    expect(await kvRecord(created.key)).toEqual({ key_id: created.id, workspace_id: workspace.id, scopes: ["prompts:read", "events:write"], environment: null, expires_at: null });

    expect(audit).toEqual([expect.objectContaining({ action: "api_key.create", actorUserId: owner.user.id, workspaceId: workspace.id, targetType: "api_key", after: expect.objectContaining({ prefix: created.prefix }) })]);
    const auditText = JSON.stringify(audit);
    expect(auditText).not.toContain(created.key.slice(12));
    expect(auditText).not.toContain(keyHash);

    // Two keys never share a secret.
    const second = await createKey(owner, workspace.id);
    expect(second.key).not.toBe(created.key);
  });

  it("keeps the chosen scopes, environment and expiry, in the answer and in KV", async () => {
    const { owner, workspace } = await createTeam([]);
    const expiresAt = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const created = await createKey(owner, workspace.id, { name: "  Mobile  ", scopes: ["events:write"], environment: "staging", expires_at: expiresAt.toISOString() });
    expect(created).toMatchObject({ name: "Mobile", scopes: ["events:write"], environment: "staging", expires_at: expiresAt.toISOString() });
    expect(await kvRecord(created.key)).toEqual({ key_id: created.id, workspace_id: workspace.id, scopes: ["events:write"], environment: "staging", expires_at: expiresAt.toISOString() });

    const explicitNull = await createKey(owner, workspace.id, { name: "Any env", environment: null, expires_at: null });
    expect(explicitNull).toMatchObject({ environment: null, expires_at: null });
  });

  it("refuses invalid bodies with 400 and creates nothing", async () => {
    const { owner, workspace } = await createTeam([]);
    const past = new Date(Date.now() - 60_000).toISOString();
    const tooFar = new Date(Date.now() + 11 * 366 * 24 * 3600 * 1000).toISOString();
    for (const body of [
      {},
      { name: "" },
      { name: "   " },
      { name: "x".repeat(101) },
      { name: 42 },
      { name: "k", scopes: [] },
      { name: "k", scopes: ["prompts:write"] },
      { name: "k", scopes: ["prompts:read", "prompts:read"] },
      { name: "k", scopes: "prompts:read" },
      { name: "k", environment: "prod" },
      { name: "k", expires_at: past },
      { name: "k", expires_at: tooFar },
      { name: "k", expires_at: "tomorrow" },
      { name: "k", workspace_id: "ws_x" },
      { name: "k", key: "xr2_live_chosen_by_the_client_0000000000000" },
      { name: "k", rate_limit: { requests: 0, window_seconds: 60 } },
      { name: "k", rate_limit: { requests: 5 } },
      { name: "k", rate_limit: { requests: 5, window_seconds: 86_401 } },
      { name: "k", rate_limit: { requests: 1.5, window_seconds: 60 } },
      { name: "k", rate_limit: { requests: 5, window_seconds: 60, burst: 2 } },
      { name: "k", rate_limit: "5/min" },
    ]) {
      const response = await call("POST", "/api/product-api-keys", { token: owner.access_token, workspaceId: workspace.id, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body!.error.code).toBe("VALIDATION_FAILED");
    }
    for (const rawBody of ["{", "null", "[]", '"name"']) {
      const response = await call("POST", "/api/product-api-keys", { token: owner.access_token, workspaceId: workspace.id, rawBody });
      expect(response.status, rawBody).toBe(400);
    }
    const list = await call("GET", "/api/product-api-keys", { token: owner.access_token, workspaceId: workspace.id });
    expect(list.body!.api_keys).toEqual([]);
  });

  it(`refuses a key beyond ${MAX_LIVE_API_KEYS} live ones (409); revoked keys do not count`, async () => {
    const { owner, workspace } = await createTeam([]);
    await withContext(async (ctx) => {
      const rows = Array.from({ length: MAX_LIVE_API_KEYS }, (_, index) => ({
        id: newId("apiKey"),
        workspaceId: workspace.id,
        name: `bulk ${index}`,
        keyHash: `hash-${crypto.randomUUID()}`,
        prefix: "xr2_live_xxx",
        scopes: ["prompts:read" as const],
      }));
      await ctx.db().insert(apiKeys).values(rows);
    });
    const refused = await call("POST", "/api/product-api-keys", { token: owner.access_token, workspaceId: workspace.id, body: { name: "one too many" } });
    expect(refused.status).toBe(409);
    const list = await call("GET", "/api/product-api-keys", { token: owner.access_token, workspaceId: workspace.id });
    const victim = list.body!.api_keys[0].id as string;
    expect((await call("DELETE", `/api/product-api-keys/${victim}`, { token: owner.access_token, workspaceId: workspace.id })).status).toBe(204);
    await createKey(owner, workspace.id, { name: "fits again" });
  });
});

describe("GET /api/product-api-keys", () => {
  it("lists the workspace's keys by prefix, never the key or its hash, live ones first", async () => {
    const { owner, workspace } = await createTeam([]);
    const other = await createTeam([]);
    const first = await createKey(owner, workspace.id, { name: "first" });
    const second = await createKey(owner, workspace.id, { name: "second", environment: "production" });
    const theirs = await createKey(other.owner, other.workspace.id, { name: "theirs" });
    expect((await call("DELETE", `/api/product-api-keys/${second.id}`, { token: owner.access_token, workspaceId: workspace.id })).status).toBe(204);
    const third = await createKey(owner, workspace.id, { name: "third" });

    const list = await call("GET", "/api/product-api-keys", { token: owner.access_token, workspaceId: workspace.id });
    expect(list.status).toBe(200);
    const keys = list.body!.api_keys as Array<Record<string, unknown>>;
    expect(keys.map((key) => key.id)).toEqual([third.id, first.id, second.id]);
    expect(keys[2]).toEqual({
      id: second.id,
      name: "second",
      prefix: second.prefix,
      scopes: ["prompts:read", "events:write"],
      environment: "production",
      expires_at: null,
      revoked_at: expect.any(String),
      last_used_at: null,
      rate_limit: null,
      created_by_id: owner.user.id,
      created_at: second.created_at,
    });
    expect(keys[0]).toMatchObject({ revoked_at: null });
    const text = JSON.stringify(list.body);
    for (const created of [first, second, third]) {
      expect(text).not.toContain(created.key.slice(12));
      expect(text).not.toContain(sha256Hex(created.key));
    }
    expect(text).not.toContain(theirs.id);
  });
});

describe("DELETE /api/product-api-keys/{keyId}", () => {
  it("revokes in Postgres, removes the KV entry, and the edge's miss path does not bring it back", async () => {
    const { owner, workspace } = await createTeam([]);
    const created = await createKey(owner, workspace.id);
    const kept = await createKey(owner, workspace.id, { name: "kept" });
    expect(await kvRecord(created.key)).not.toBeNull();

    const revoked = await call("DELETE", `/api/product-api-keys/${created.id}`, { token: owner.access_token, workspaceId: workspace.id });
    expect(revoked.status).toBe(204);
    expect(await kvRecord(created.key)).toBeNull();
    expect(await kvRecord(kept.key)).not.toBeNull();
    await withContext(async (ctx) => {
      expect(await resolveApiKey({ ctx, input: { keyHash: sha256Hex(created.key) } })).toBeNull();
      const [row] = await ctx.db().select().from(apiKeys).where(eq(apiKeys.id, created.id));
      expect(row!.revokedAt).toBeInstanceOf(Date);
    });
    expect(await kvRecord(created.key)).toBeNull();

    // Idempotent: a second revocation succeeds and records nothing new.
    expect((await call("DELETE", `/api/product-api-keys/${created.id}`, { token: owner.access_token, workspaceId: workspace.id })).status).toBe(204);
    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.targetId, created.id), eq(auditLog.action, "api_key.revoke"))));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: owner.user.id, before: { revoked_at: null }, after: { revoked_at: expect.any(String), prefix: created.prefix } });
    const auditText = JSON.stringify(audit);
    expect(auditText).not.toContain(created.key.slice(12));
    expect(auditText).not.toContain(sha256Hex(created.key));
  });

  it("answers 404 for keys of another workspace or unknown ids, and leaves the other workspace's key working", async () => {
    const mine = await createTeam([]);
    const theirs = await createTeam([]);
    const theirKey = await createKey(theirs.owner, theirs.workspace.id);
    for (const keyId of [theirKey.id, newId("apiKey"), "key_not_a_real_id", "x".repeat(65)]) {
      const response = await call("DELETE", `/api/product-api-keys/${keyId}`, { token: mine.owner.access_token, workspaceId: mine.workspace.id });
      expect([400, 404], keyId).toContain(response.status);
      if (keyId === theirKey.id) expect(response.status).toBe(404);
    }
    expect(await kvRecord(theirKey.key)).not.toBeNull();
    const list = await call("GET", "/api/product-api-keys", { token: theirs.owner.access_token, workspaceId: theirs.workspace.id });
    expect(list.body!.api_keys[0]).toMatchObject({ id: theirKey.id, revoked_at: null });
  });
});

describe("API key routes: tenancy and roles", () => {
  it("answer 404 to users outside the workspace", async () => {
    const { owner, workspace } = await createTeam([]);
    const key = await createKey(owner, workspace.id);
    const outsider = await registerUser();
    for (const [method, path, body] of [
      ["POST", "/api/product-api-keys", { name: "mine now" }],
      ["GET", "/api/product-api-keys", undefined],
      ["DELETE", `/api/product-api-keys/${key.id}`, undefined],
    ] as const) {
      const response = await call(method, path, { token: outsider.access_token, workspaceId: workspace.id, ...(body ? { body } : {}) });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect(await kvRecord(key.key)).not.toBeNull();
  });

  it("are for Admins only: members and viewers get 403, another Admin may manage keys", async () => {
    const { owner, workspace, members } = await createTeam(["member", "viewer", "admin"]);
    const [member, viewer, admin] = members as [TestSession, TestSession, TestSession];
    const key = await createKey(owner, workspace.id);
    for (const person of [member, viewer]) {
      expect((await call("POST", "/api/product-api-keys", { token: person.access_token, workspaceId: workspace.id, body: { name: "x" } })).status).toBe(403);
      expect((await call("GET", "/api/product-api-keys", { token: person.access_token, workspaceId: workspace.id })).status).toBe(403);
      expect((await call("DELETE", `/api/product-api-keys/${key.id}`, { token: person.access_token, workspaceId: workspace.id })).status).toBe(403);
    }
    expect(await kvRecord(key.key)).not.toBeNull();
    await createKey(admin, workspace.id, { name: "by another admin" });
    expect((await call("DELETE", `/api/product-api-keys/${key.id}`, { token: admin.access_token, workspaceId: workspace.id })).status).toBe(204);
  });
});

describe("a key's own rate limit", () => {
  it("is chosen at creation, shown in the answer and the list, and carried to the edge in the key's KV record", async () => {
    const { owner, workspace } = await createTeam([]);
    const created = await createKey(owner, workspace.id, { name: "Tight", rate_limit: { requests: 5, window_seconds: 60 } });
    expect(created).toMatchObject({ rate_limit: { requests: 5, window_seconds: 60 } });
    const list = await call("GET", "/api/product-api-keys", { token: owner.access_token, workspaceId: workspace.id });
    expect(list.body!.api_keys[0]).toMatchObject({ id: created.id, rate_limit: { requests: 5, window_seconds: 60 } });
    expect(await kvRecord(created.key)).toMatchObject({
      key_id: created.id,
      limits: { get_prompt_per_key: { requests: 5, window_seconds: 60 }, events_per_key: { requests: 5, window_seconds: 60 } },
    });
    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.targetId, created.id), eq(auditLog.action, "api_key.create"))));
    expect(audit[0]!.after).toMatchObject({ rate_limit: { requests: 5, window_seconds: 60 } });
  });

  it("is changed (and cleared) by an Admin with PATCH, audited, and the KV record follows", async () => {
    const { owner, workspace } = await createTeam([]);
    const created = await createKey(owner, workspace.id, { name: "Tight", rate_limit: { requests: 5, window_seconds: 60 } });
    const raised = await call("PATCH", `/api/product-api-keys/${created.id}`, { token: owner.access_token, workspaceId: workspace.id, body: { rate_limit: { requests: 100, window_seconds: 60 } } });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect(raised.body).toMatchObject({ id: created.id, name: "Tight", rate_limit: { requests: 100, window_seconds: 60 }, revoked_at: null });
    expect((await kvRecord(created.key))!.limits).toMatchObject({ get_prompt_per_key: { requests: 100, window_seconds: 60 } });

    const renamed = await call("PATCH", `/api/product-api-keys/${created.id}`, { token: owner.access_token, workspaceId: workspace.id, body: { name: "  Roomy  " } });
    expect(renamed.body).toMatchObject({ name: "Roomy", rate_limit: { requests: 100, window_seconds: 60 } });

    const cleared = await call("PATCH", `/api/product-api-keys/${created.id}`, { token: owner.access_token, workspaceId: workspace.id, body: { rate_limit: null } });
    expect(cleared.body).toMatchObject({ rate_limit: null });
    expect((await kvRecord(created.key))!.limits).toBeUndefined();

    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.targetId, created.id), eq(auditLog.action, "api_key.update"))));
    expect(audit.map((row) => [row.before!.rate_limit, row.after!.rate_limit])).toEqual(
      expect.arrayContaining([
        [{ requests: 5, window_seconds: 60 }, { requests: 100, window_seconds: 60 }],
        [{ requests: 100, window_seconds: 60 }, null],
      ]),
    );
  });

  it("PATCH refuses bad bodies (400), revoked keys (409), other workspaces' keys (404) and non-Admins (403)", async () => {
    const { owner, workspace, members } = await createTeam(["member"]);
    const other = await createTeam([]);
    const key = await createKey(owner, workspace.id);
    const theirs = await createKey(other.owner, other.workspace.id);
    for (const body of [{}, { rate_limit: { requests: 0, window_seconds: 60 } }, { rate_limit: { requests: 5 } }, { name: "" }, { scopes: ["events:write"] }, { rate_limit: 5 }]) {
      const response = await call("PATCH", `/api/product-api-keys/${key.id}`, { token: owner.access_token, workspaceId: workspace.id, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const rateLimit = { rate_limit: { requests: 5, window_seconds: 60 } };
    expect((await call("PATCH", `/api/product-api-keys/${theirs.id}`, { token: owner.access_token, workspaceId: workspace.id, body: rateLimit })).status).toBe(404);
    expect((await call("PATCH", `/api/product-api-keys/${key.id}`, { token: members[0]!.access_token, workspaceId: workspace.id, body: rateLimit })).status).toBe(403);
    expect((await call("DELETE", `/api/product-api-keys/${key.id}`, { token: owner.access_token, workspaceId: workspace.id })).status).toBe(204);
    expect((await call("PATCH", `/api/product-api-keys/${key.id}`, { token: owner.access_token, workspaceId: workspace.id, body: rateLimit })).status).toBe(409);
    expect(await kvRecord(key.key)).toBeNull();
    expect((await kvRecord(theirs.key))!.limits).toBeUndefined();
  });
});
