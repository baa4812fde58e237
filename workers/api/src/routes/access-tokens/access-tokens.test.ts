import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { accessTokens, auditLog, users, workspaceMembers } from "@xr2/db/schema";
import { newId, sha256Hex } from "@xr2/shared";
import { MAX_LIVE_ACCESS_TOKENS } from "../../services/access-tokens/create-access-token.ts";
import { addPrompt, testContext } from "../../testing/fixtures.ts";
import { call, createTeam, createWorkspace, type TestSession } from "../../testing/http.ts";

const TOKEN_FORMAT = /^xr2_at_[A-Za-z0-9_-]{43}$/;

type CreatedToken = { id: string; token: string; token_prefix: string; name: string; scopes: string[]; expires_at: string | null; created_at: string; created_by: { id: string }; last_used_at: string | null };

async function createToken(session: TestSession, workspaceId: string, body: Record<string, unknown> = { name: "CI", scopes: ["prompts:read"] }): Promise<CreatedToken> {
  const created = await call("POST", "/api/access-tokens", { token: session.access_token, workspaceId, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as CreatedToken;
}

async function withContext<T>(run: (ctx: ReturnType<typeof testContext>) => Promise<T>): Promise<T> {
  const ctx = testContext();
  try {
    return await run(ctx);
  } finally {
    await ctx.dispose();
  }
}

const tokenRow = (id: string) => withContext(async (ctx) => (await ctx.db().select().from(accessTokens).where(eq(accessTokens.id, id)))[0]!);

describe("POST /api/access-tokens", () => {
  it("creates a token shown once, stores only its SHA-256 and a prefix, and audits it without the secret", async () => {
    const { owner, workspace } = await createTeam([]);
    const created = await createToken(owner, workspace.id, { name: "  GitHub Actions  ", scopes: ["prompts:read", "prompts:publish"] });
    expect(created).toEqual({
      id: expect.stringMatching(/^at_/),
      token: expect.stringMatching(TOKEN_FORMAT),
      token_prefix: created.token.slice(0, 12),
      name: "GitHub Actions",
      scopes: ["prompts:read", "prompts:publish"],
      expires_at: null,
      last_used_at: null,
      revoked_at: null,
      created_at: expect.any(String),
      created_by: { id: owner.user.id, name: owner.user.name, email: owner.user.email },
    });

    const row = await tokenRow(created.id);
    expect(row).toMatchObject({ workspaceId: workspace.id, createdById: owner.user.id, tokenHash: sha256Hex(created.token), tokenPrefix: created.token_prefix, revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(created.token.slice(12));

    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(eq(auditLog.targetId, created.id)));
    expect(audit).toEqual([expect.objectContaining({ action: "access_token.create", actorUserId: owner.user.id, workspaceId: workspace.id, targetType: "access_token", after: expect.objectContaining({ token_prefix: created.token_prefix, scopes: ["prompts:read", "prompts:publish"] }) })]);
    expect(JSON.stringify(audit)).not.toContain(created.token.slice(12));
    expect(JSON.stringify(audit)).not.toContain(sha256Hex(created.token));

    // Never shown again.
    const list = await call("GET", "/api/access-tokens", { token: owner.access_token, workspaceId: workspace.id });
    expect(JSON.stringify(list.body)).not.toContain(created.token.slice(12));
    expect((await createToken(owner, workspace.id)).token).not.toBe(created.token);
  });

  it("keeps an expiry, and refuses invalid bodies with 400", async () => {
    const { owner, workspace } = await createTeam([]);
    const expiresAt = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    expect(await createToken(owner, workspace.id, { name: "month", scopes: ["analytics:read"], expires_at: expiresAt.toISOString() })).toMatchObject({ expires_at: expiresAt.toISOString() });
    const past = new Date(Date.now() - 60_000).toISOString();
    const tooFar = new Date(Date.now() + 367 * 24 * 3600 * 1000).toISOString();
    for (const body of [
      {},
      { name: "ci" },
      { name: "", scopes: ["prompts:read"] },
      { name: "x".repeat(101), scopes: ["prompts:read"] },
      { name: "ci", scopes: [] },
      { name: "ci", scopes: ["prompts:read", "prompts:read"] },
      { name: "ci", scopes: ["members:manage"] },
      { name: "ci", scopes: ["prompts:read", "prompts:write", "prompts:publish", "analytics:read", "prompts:read"] },
      { name: "ci", scopes: ["prompts:read"], expires_at: past },
      { name: "ci", scopes: ["prompts:read"], expires_at: tooFar },
      { name: "ci", scopes: ["prompts:read"], expires_at: "next week" },
      { name: "ci", scopes: ["prompts:read"], token: "xr2_at_chosen_by_the_client" },
    ]) {
      const response = await call("POST", "/api/access-tokens", { token: owner.access_token, workspaceId: workspace.id, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("caps scopes by the creator's role: a Viewer may read but not write or publish (403)", async () => {
    const { workspace, members } = await createTeam(["viewer", "member"]);
    const [viewer, member] = members as [TestSession, TestSession];
    await createToken(viewer, workspace.id, { name: "read", scopes: ["prompts:read", "analytics:read"] });
    for (const scopes of [["prompts:write"], ["prompts:read", "prompts:publish"]]) {
      const refused = await call("POST", "/api/access-tokens", { token: viewer.access_token, workspaceId: workspace.id, body: { name: "more", scopes } });
      expect(refused.status, JSON.stringify(scopes)).toBe(403);
      expect(refused.body!.error.message).toContain("viewer");
    }
    await createToken(member, workspace.id, { name: "all", scopes: ["prompts:read", "prompts:write", "prompts:publish", "analytics:read"] });
  });

  it(`refuses a token beyond ${MAX_LIVE_ACCESS_TOKENS} live ones per member (409); revoked ones do not count, nor do other members'`, async () => {
    const { owner, workspace, members } = await createTeam(["member"]);
    const [member] = members as [TestSession];
    await withContext((ctx) =>
      ctx
        .db()
        .insert(accessTokens)
        .values(Array.from({ length: MAX_LIVE_ACCESS_TOKENS }, (_, index) => ({ id: newId("accessToken"), workspaceId: workspace.id, createdById: owner.user.id, name: `bulk ${index}`, scopes: ["prompts:read"], tokenHash: `hash-${crypto.randomUUID()}`, tokenPrefix: "xr2_at_xxxxx" }))),
    );
    const refused = await call("POST", "/api/access-tokens", { token: owner.access_token, workspaceId: workspace.id, body: { name: "one too many", scopes: ["prompts:read"] } });
    expect(refused.status).toBe(409);
    expect(refused.body!.error.message).toContain(String(MAX_LIVE_ACCESS_TOKENS));
    await createToken(member, workspace.id);
    const list = await call("GET", "/api/access-tokens", { token: owner.access_token, workspaceId: workspace.id });
    const victim = (list.body!.access_tokens as CreatedToken[]).find((token) => token.created_by.id === owner.user.id)!;
    expect((await call("DELETE", `/api/access-tokens/${victim.id}`, { token: owner.access_token, workspaceId: workspace.id })).status).toBe(204);
    await createToken(owner, workspace.id, { name: "fits again", scopes: ["prompts:read"] });
  });
});

describe("GET and DELETE /api/access-tokens", () => {
  it("lists a member's own tokens; an Admin sees every member's and revokes another member's token, which then gets 401", async () => {
    const { owner, workspace, members } = await createTeam(["member", "member"]);
    const [alice, bob] = members as [TestSession, TestSession];
    const ownersToken = await createToken(owner, workspace.id, { name: "owner", scopes: ["prompts:read"] });
    const alicesToken = await createToken(alice, workspace.id, { name: "alice", scopes: ["prompts:read"] });
    const bobsToken = await createToken(bob, workspace.id, { name: "bob", scopes: ["prompts:read"] });

    const listed = async (session: TestSession) =>
      ((await call("GET", "/api/access-tokens", { token: session.access_token, workspaceId: workspace.id })).body!.access_tokens as CreatedToken[]).map((token) => token.id).sort();
    expect(await listed(alice)).toEqual([alicesToken.id]);
    expect(await listed(owner)).toEqual([ownersToken.id, alicesToken.id, bobsToken.id].sort());

    // A member cannot see or revoke someone else's token.
    expect((await call("DELETE", `/api/access-tokens/${bobsToken.id}`, { token: alice.access_token, workspaceId: workspace.id })).status).toBe(404);
    expect((await call("GET", "/api/prompts", { token: bobsToken.token })).status).toBe(200);

    expect((await call("DELETE", `/api/access-tokens/${bobsToken.id}`, { token: owner.access_token, workspaceId: workspace.id })).status).toBe(204);
    const refused = await call("GET", "/api/prompts", { token: bobsToken.token });
    expect(refused.status).toBe(401);
    expect(refused.body!.error).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining("revoked") });
    expect(await tokenRow(bobsToken.id)).toMatchObject({ revokedAt: expect.any(Date), revokedById: owner.user.id });

    // Idempotent, audited once.
    expect((await call("DELETE", `/api/access-tokens/${bobsToken.id}`, { token: bob.access_token, workspaceId: workspace.id })).status).toBe(204);
    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.targetId, bobsToken.id), eq(auditLog.action, "access_token.revoke"))));
    expect(audit).toEqual([expect.objectContaining({ actorUserId: owner.user.id, after: expect.objectContaining({ created_by_id: bob.user.id, revoked_at: expect.any(String) }) })]);

    // Revoked tokens stay listed, after the live ones.
    const bobsList = (await call("GET", "/api/access-tokens", { token: bob.access_token, workspaceId: workspace.id })).body!.access_tokens;
    expect(bobsList).toEqual([expect.objectContaining({ id: bobsToken.id, revoked_at: expect.any(String) })]);
  });

  it("answers 404 for another workspace's token", async () => {
    const mine = await createTeam([]);
    const theirs = await createTeam([]);
    const theirToken = await createToken(theirs.owner, theirs.workspace.id);
    for (const tokenId of [theirToken.id, newId("accessToken")]) {
      expect((await call("DELETE", `/api/access-tokens/${tokenId}`, { token: mine.owner.access_token, workspaceId: mine.workspace.id })).status).toBe(404);
    }
    expect((await call("GET", "/api/prompts", { token: theirToken.token })).status).toBe(200);
  });
});

describe("calling the API with an access token", () => {
  it("acts in the token's workspace without X-Workspace-Id, within its scopes, and records its last use", async () => {
    const { owner, workspace } = await createTeam([]);
    const other = await createTeam([]);
    const read = await createToken(owner, workspace.id, { name: "read", scopes: ["prompts:read"] });
    const write = await createToken(owner, workspace.id, { name: "write", scopes: ["prompts:write"] });

    const listed = await call("GET", "/api/prompts", { token: read.token });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect((await call("GET", "/api/prompts", { token: read.token, workspaceId: workspace.id })).status).toBe(200);
    // Another workspace, even one the creator belongs to, does not exist for this token.
    const othersMember = await createToken(other.owner, other.workspace.id);
    expect((await call("GET", "/api/prompts", { token: othersMember.token, workspaceId: workspace.id })).status).toBe(404);

    const cannotWrite = await call("POST", "/api/prompts", { token: read.token, body: {} });
    expect(cannotWrite.status).toBe(403);
    expect(cannotWrite.body!.error.message).toContain("prompts:read");
    // Past the permission check: the body is what is wrong now.
    expect((await call("POST", "/api/prompts", { token: write.token, body: {} })).status).toBe(400);
    // prompts:write alone does not read.
    expect((await call("GET", "/api/prompts", { token: write.token })).status).toBe(403);

    expect((await tokenRow(read.id)).lastUsedAt).toBeInstanceOf(Date);
    const listedAgain = (await call("GET", "/api/access-tokens", { token: owner.access_token, workspaceId: workspace.id })).body!.access_tokens as CreatedToken[];
    expect(listedAgain.find((token) => token.id === read.id)!.last_used_at).toEqual(expect.any(String));
  });

  it("writes last_used_at at most once a minute per token", async () => {
    const { owner, workspace } = await createTeam([]);
    const token = await createToken(owner, workspace.id);
    const setLastUsed = (at: Date) => withContext((ctx) => ctx.db().update(accessTokens).set({ lastUsedAt: at }).where(eq(accessTokens.id, token.id)));
    const recent = new Date(Date.now() - 10_000);
    await setLastUsed(recent);
    expect((await call("GET", "/api/prompts", { token: token.token })).status).toBe(200);
    expect((await tokenRow(token.id)).lastUsedAt).toEqual(recent);
    const stale = new Date(Date.now() - 61_000);
    await setLastUsed(stale);
    expect((await call("GET", "/api/prompts", { token: token.token })).status).toBe(200);
    expect((await tokenRow(token.id)).lastUsedAt!.getTime()).toBeGreaterThan(stale.getTime() + 60_000);
  });

  it("answers 401 to unknown, expired and disabled-creator tokens, and to a creator no longer a member", async () => {
    const { owner, workspace, members } = await createTeam(["member", "member"]);
    const [leaver, disabled] = members as [TestSession, TestSession];
    const expired = await createToken(owner, workspace.id);
    await withContext((ctx) => ctx.db().update(accessTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accessTokens.id, expired.id)));
    const leaversToken = await createToken(leaver, workspace.id);
    const disabledsToken = await createToken(disabled, workspace.id);
    // A membership that ended without the removal route (which also revokes the member's tokens:
    // see below): workspaceAccess still finds no role for the token's creator.
    await withContext((ctx) => ctx.db().delete(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, workspace.id), eq(workspaceMembers.userId, leaver.user.id))));
    await withContext((ctx) => ctx.db().update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.user.id)));

    for (const [token, says] of [
      [expired.token, "expired"],
      [`xr2_at_${"A".repeat(43)}`, "not valid"],
      [leaversToken.token, "no longer a member"],
      [disabledsToken.token, "disabled"],
    ] as const) {
      const response = await call("GET", "/api/prompts", { token });
      expect(response.status, says).toBe(401);
      expect(response.body!.error.message).toContain(says);
    }
  });

  it("follows the creator's current role: a token of a member demoted to Viewer can no longer write", async () => {
    const { owner, workspace, members } = await createTeam(["member"]);
    const [member] = members as [TestSession];
    const token = await createToken(member, workspace.id, { name: "ci", scopes: ["prompts:read", "prompts:write"] });
    expect((await call("POST", "/api/prompts", { token: token.token, body: {} })).status).toBe(400);
    expect((await call("PATCH", `/api/workspaces/${workspace.id}/members/${member.user.id}`, { token: owner.access_token, body: { role: "viewer" } })).status).toBe(200);
    const refused = await call("POST", "/api/prompts", { token: token.token, body: {} });
    expect(refused.status).toBe(403);
    expect(refused.body!.error.message).toContain("viewer");
  });

  it("is refused (403) on routes that are not for tokens: accounts, workspace lists, token management, members", async () => {
    const { owner, workspace } = await createTeam([]);
    const token = await createToken(owner, workspace.id, { name: "all", scopes: ["prompts:read", "prompts:write", "prompts:publish", "analytics:read"] });
    for (const [method, path] of [
      ["GET", "/api/auth/me"],
      ["GET", "/api/workspaces"],
      ["GET", "/api/access-tokens"],
      ["POST", "/api/access-tokens"],
      ["DELETE", `/api/access-tokens/${token.id}`],
      ["GET", `/api/workspaces/${workspace.id}/members`],
      ["GET", "/api/product-api-keys"],
      ["GET", "/api/admin/users"],
    ] as const) {
      const response = await call(method, path, { token: token.token, ...(method === "POST" ? { body: { name: "x", scopes: ["prompts:read"] } } : {}) });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body!.error.message, `${method} ${path}`).toBe("Access tokens can't be used here; sign in");
    }
    expect((await tokenRow(token.id)).revokedAt).toBeNull();
  });

  it("GET /api/access-tokens/current describes the calling token; a session gets 400", async () => {
    const { owner, workspace } = await createTeam([]);
    const token = await createToken(owner, workspace.id, { name: "cli", scopes: ["prompts:read"] });
    // A first use, recorded after its answer.
    expect((await call("GET", "/api/prompts", { token: token.token })).status).toBe(200);
    const current = await call("GET", "/api/access-tokens/current", { token: token.token });
    expect(current.status, JSON.stringify(current.body)).toBe(200);
    expect(current.body).toEqual({
      id: token.id,
      name: "cli",
      workspace_id: workspace.id,
      workspace_name: workspace.name,
      scopes: ["prompts:read"],
      token_prefix: token.token_prefix,
      expires_at: null,
      last_used_at: expect.any(String),
      created_at: token.created_at,
      created_by: { id: owner.user.id, name: owner.user.name, email: owner.user.email },
    });
    expect((await call("GET", "/api/access-tokens/current", { token: owner.access_token })).status).toBe(400);
  });

  it("never approves production: an Admin's token publishes and promotes to production as a pending request when approval is required", async () => {
    const { owner, workspace } = await createTeam([]);
    const prompt = await withContext((ctx) => addPrompt(ctx, workspace.id, ["v1 {name}", "v2 {name}"]));
    expect((await call("PATCH", `/api/workspaces/${workspace.id}`, { token: owner.access_token, body: { require_production_approval: true } })).status).toBe(200);
    const token = await createToken(owner, workspace.id, { name: "deploy", scopes: ["prompts:read", "prompts:publish"] });

    const staging = await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[0]}/publish`, { token: token.token, body: { environment: "staging" } });
    expect(staging.status, JSON.stringify(staging.body)).toBe(200);
    const production = await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[0]}/publish`, { token: token.token, body: { environment: "production" } });
    expect(production.status, JSON.stringify(production.body)).toBe(202);
    expect(production.body).toMatchObject({ status: "pending_approval", version_id: prompt.versionIds[0] });
    const promoted = await call("POST", `/api/prompts/${prompt.promptId}/promote`, { token: token.token, body: { from: "staging", to: "production" } });
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(202);
    expect(promoted.body).toMatchObject({ status: "pending_approval" });
    // Nor can the token approve the request itself.
    expect((await call("POST", `/api/approvals/${promoted.body!.approval_request_id}/approve`, { token: token.token })).status).toBe(403);
    // The same Admin signed in deploys at once.
    const direct = await call("PUT", `/api/prompts/${prompt.promptId}/versions/${prompt.versionIds[1]}/publish`, { token: owner.access_token, workspaceId: workspace.id, body: { environment: "production" } });
    expect(direct.status).toBe(200);
  });
});

describe("an access token and the creator's other workspaces", () => {
  it("cannot copy or move prompts out of its workspace, and copies inside it only with prompts:write", async () => {
    const { owner, workspace } = await createTeam([]);
    const other = await createWorkspace(owner);
    const prompt = await withContext((ctx) => addPrompt(ctx, workspace.id, ["Hello"]));
    const reader = await createToken(owner, workspace.id, { name: "read", scopes: ["prompts:read"] });
    const writer = await createToken(owner, workspace.id, { name: "write", scopes: ["prompts:read", "prompts:write"] });
    const as = (token: CreatedToken) => ({ token: token.token });

    // The creator may copy and move into their other workspace; their tokens may not (404: it is not theirs to see).
    for (const token of [reader, writer]) {
      const copied = await call("POST", `/api/prompts/${prompt.promptId}/copy`, { ...as(token), body: { target_workspace_id: other.id } });
      expect(copied.status, JSON.stringify(copied.body)).toBe(404);
    }
    const moved = await call("POST", "/api/prompts/bulk", { ...as(writer), body: { action: "move", prompt_ids: [prompt.promptId], target_workspace_id: other.id } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(404);
    const inOther = await call("GET", "/api/prompts", { token: owner.access_token, workspaceId: other.id });
    expect(inOther.body!.prompts).toEqual([]);

    // Inside its workspace a copy creates a prompt: prompts:write, not prompts:read.
    const readCopy = await call("POST", `/api/prompts/${prompt.promptId}/copy`, { ...as(reader), body: { target_workspace_id: workspace.id, slug: "copied-by-reader" } });
    expect(readCopy.status).toBe(403);
    expect(readCopy.body!.error.message).toMatch(/access token's scopes \(prompts:read\)/);
    const writeCopy = await call("POST", `/api/prompts/${prompt.promptId}/copy`, { ...as(writer), body: { target_workspace_id: workspace.id, slug: "copied-by-writer" } });
    expect(writeCopy.status, JSON.stringify(writeCopy.body)).toBe(201);

    // The session of the same user still copies across (the behaviour tokens are kept from).
    const sessionCopy = await call("POST", `/api/prompts/${prompt.promptId}/copy`, { token: owner.access_token, workspaceId: workspace.id, body: { target_workspace_id: other.id } });
    expect(sessionCopy.status, JSON.stringify(sessionCopy.body)).toBe(201);
  });
});

describe("a member's access tokens and their membership", () => {
  it("end when the member is removed, so an invitation later does not bring them back", async () => {
    const { owner, workspace, members } = await createTeam(["member"]);
    const member = members[0]!;
    const token = await createToken(member, workspace.id, { name: "laptop", scopes: ["prompts:read"] });
    expect((await call("GET", "/api/prompts", { token: token.token })).status).toBe(200);
    const removed = await call("DELETE", `/api/workspaces/${workspace.id}/members/${member.user.id}`, { token: owner.access_token });
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect(await tokenRow(token.id)).toMatchObject({ revokedAt: expect.any(Date), revokedById: owner.user.id });
    const refused = await call("GET", "/api/prompts", { token: token.token });
    expect(refused.status).toBe(401);
    expect(refused.body!.error.message).toMatch(/revoked/i);
    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "member.remove"))));
    expect(audit).toEqual([expect.objectContaining({ targetId: member.user.id, after: { access_tokens_revoked: [token.id] } })]);
  });
});
