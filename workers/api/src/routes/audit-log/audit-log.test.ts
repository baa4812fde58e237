import { describe, expect, it } from "vitest";
import { auditLog } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import { testContext } from "../../testing/fixtures.ts";
import { call, createTeam, registerUser, type TestSession } from "../../testing/http.ts";

type Entry = { id: string; action: string; target_type: string; target_id: string | null; actor_user_id: string | null; actor: { id: string; email: string; name: string } | null; before: unknown; after: unknown; created_at: string };

async function auditPage(session: TestSession, workspaceId: string, query = "") {
  const response = await call("GET", `/api/audit-log${query ? `?${query}` : ""}`, { token: session.access_token, workspaceId });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { entries: Entry[]; next_cursor: string | null };
}

/** Rows written straight into the table, at chosen instants (several may share one), in insertion order. */
async function insertRows(workspaceId: string, actorUserId: string | null, createdAts: Date[], action = "test.event") {
  const ctx = testContext();
  const rows = createdAts.map((createdAt, index) => ({ id: newId("audit"), workspaceId, actorUserId, action, targetType: "thing", targetId: `thing-${index}`, after: { index }, createdAt }));
  await ctx.db().insert(auditLog).values(rows);
  await ctx.dispose();
  return rows;
}

async function allPages(session: TestSession, workspaceId: string, query: string) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const page = await auditPage(session, workspaceId, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    ids.push(...page.entries.map((entry) => entry.id));
    cursor = page.next_cursor;
    if (!cursor) return ids;
  }
  throw new Error("pagination did not end");
}

describe("GET /api/audit-log", () => {
  it("lists the workspace's changes newest first, with actor, target, before and after", async () => {
    const { owner, workspace } = await createTeam(["member"]);
    const key = await call("POST", "/api/product-api-keys", { token: owner.access_token, workspaceId: workspace.id, body: { name: "audited" } });
    await call("DELETE", `/api/product-api-keys/${key.body!.id}`, { token: owner.access_token, workspaceId: workspace.id });

    const page = await auditPage(owner, workspace.id);
    // workspace.create, invitation and acceptance of the member, then the key's two rows.
    expect(page.entries.slice(0, 2).map((entry) => entry.action)).toEqual(["api_key.revoke", "api_key.create"]);
    expect(page.entries.at(-1)!.action).toBe("workspace.create");
    expect(page.entries[0]).toMatchObject({
      target_type: "api_key",
      target_id: key.body!.id,
      actor_user_id: owner.user.id,
      actor: { id: owner.user.id, email: owner.user.email, name: owner.user.name },
      before: { revoked_at: null },
      after: { revoked_at: expect.any(String) },
    });
    const times = page.entries.map((entry) => Date.parse(entry.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(page.next_cursor).toBeNull();
  });

  it("filters by action, target, actor and time window", async () => {
    const { owner, workspace, members } = await createTeam(["member"]);
    const member = members[0]!;
    const base = Date.now() - 3600_000;
    const rows = await insertRows(workspace.id, member.user.id, [0, 1, 2, 3].map((minutes) => new Date(base + minutes * 60_000)), "prompt.update");
    await insertRows(workspace.id, null, [new Date(base + 90_000)], "job.aggregate");

    expect((await auditPage(owner, workspace.id, "action=prompt.update")).entries.map((entry) => entry.id)).toEqual(rows.map((row) => row.id).reverse());
    expect((await auditPage(owner, workspace.id, "target_type=thing&target_id=thing-2")).entries.map((entry) => entry.id)).toEqual([rows[2]!.id]);
    const byMember = await auditPage(owner, workspace.id, `actor_user_id=${member.user.id}`);
    expect(byMember.entries.every((entry) => entry.actor_user_id === member.user.id)).toBe(true);
    expect(byMember.entries.map((entry) => entry.id)).toEqual(expect.arrayContaining(rows.map((row) => row.id)));
    const system = await auditPage(owner, workspace.id, "action=job.aggregate");
    expect(system.entries).toEqual([expect.objectContaining({ actor_user_id: null, actor: null })]);

    // from is inclusive, to exclusive.
    const from = new Date(base + 60_000).toISOString();
    const to = new Date(base + 180_000).toISOString();
    const window = await auditPage(owner, workspace.id, `action=prompt.update&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(window.entries.map((entry) => entry.id)).toEqual([rows[2]!.id, rows[1]!.id]);
    expect((await auditPage(owner, workspace.id, "action=nothing.matches")).entries).toEqual([]);
  });

  it("pages with a stable cursor: no row twice, none skipped, ties broken by id, new rows never shift later pages", async () => {
    const { owner, workspace } = await createTeam([]);
    const instant = new Date(Date.now() - 60_000);
    const earlier = new Date(instant.getTime() - 1000);
    // Five rows in the same instant (one transaction writes several) and two earlier ones.
    const rows = await insertRows(workspace.id, owner.user.id, [earlier, earlier, instant, instant, instant, instant, instant]);
    const expected = [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((row) => row.id);

    const first = await auditPage(owner, workspace.id, "action=test.event&limit=3");
    expect(first.entries.map((entry) => entry.id)).toEqual(expected.slice(0, 3));
    expect(first.next_cursor).toEqual(expect.any(String));
    // Something happens between two page loads: it is newer, so later pages are unaffected.
    await insertRows(workspace.id, owner.user.id, [new Date()]);
    const second = await auditPage(owner, workspace.id, `action=test.event&limit=3&cursor=${encodeURIComponent(first.next_cursor!)}`);
    expect(second.entries.map((entry) => entry.id)).toEqual(expected.slice(3, 6));
    const third = await auditPage(owner, workspace.id, `action=test.event&limit=3&cursor=${encodeURIComponent(second.next_cursor!)}`);
    expect(third.entries.map((entry) => entry.id)).toEqual(expected.slice(6));
    expect(third.next_cursor).toBeNull();

    const walked = await allPages(owner, workspace.id, "limit=2");
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual((await auditPage(owner, workspace.id, "limit=200")).entries.map((entry) => entry.id));
  });

  it("refuses invalid queries and foreign or forged cursors with 400", async () => {
    const { owner, workspace } = await createTeam([]);
    const other = await createTeam([]);
    await insertRows(other.workspace.id, other.owner.user.id, [new Date(), new Date(), new Date()]);
    const theirCursor = (await auditPage(other.owner, other.workspace.id, "limit=1")).next_cursor!;
    expect(theirCursor).toEqual(expect.any(String));
    for (const query of [
      "limit=0",
      "limit=201",
      "limit=abc",
      "limit=1.5",
      "from=yesterday",
      "to=2024-13-01T00:00:00Z",
      `from=${encodeURIComponent("2025-01-02T00:00:00Z")}&to=${encodeURIComponent("2025-01-01T00:00:00Z")}`,
      "unknown=1",
      `action=${"a".repeat(101)}`,
      "action=a&action=b",
      "cursor=not-a-cursor",
      `cursor=${btoa(JSON.stringify({ id: 1 }))}`,
      `cursor=${encodeURIComponent(theirCursor)}`,
      `cursor=${"x".repeat(201)}`,
    ]) {
      const response = await call("GET", `/api/audit-log?${query}`, { token: owner.access_token, workspaceId: workspace.id });
      expect(response.status, query).toBe(400);
      expect(response.body!.error.code, query).toBe("VALIDATION_FAILED");
    }
  });

  it("shows only the caller's workspace and answers 404 to outsiders", async () => {
    const mine = await createTeam([]);
    const theirs = await createTeam([]);
    const [their] = await insertRows(theirs.workspace.id, theirs.owner.user.id, [new Date()]);
    const page = await auditPage(mine.owner, mine.workspace.id, "limit=200");
    expect(page.entries.map((entry) => entry.id)).not.toContain(their!.id);
    expect((await auditPage(mine.owner, mine.workspace.id, `target_id=${their!.targetId}`)).entries).toEqual([]);
    expect((await auditPage(mine.owner, mine.workspace.id, `actor_user_id=${theirs.owner.user.id}`)).entries).toEqual([]);

    const outsider = await registerUser();
    const response = await call("GET", "/api/audit-log", { token: outsider.access_token, workspaceId: mine.workspace.id });
    expect(response.status).toBe(404);
    expect((await call("GET", "/api/audit-log", { token: mine.owner.access_token })).status).toBe(400);
  });

  it("is readable by Admins and members, not by viewers", async () => {
    const { workspace, members } = await createTeam(["admin", "member", "viewer"]);
    const [admin, member, viewer] = members as [TestSession, TestSession, TestSession];
    await auditPage(admin, workspace.id);
    await auditPage(member, workspace.id);
    const refused = await call("GET", "/api/audit-log", { token: viewer.access_token, workspaceId: workspace.id });
    expect(refused.status).toBe(403);
    expect(refused.body!.error.code).toBe("FORBIDDEN");
  });
});
