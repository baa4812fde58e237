// GET /api/approvals pages by cursor like the other lists: newest first, no row repeated or
// skipped across pages, a cursor of another workspace or status refused with 400.
import { describe, expect, it } from "vitest";
import { approvalRequests } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import { createPrompt, createVersion, withContext, workspaceWith, type Actor } from "../prompt-test-support.ts";

/** `count` decided requests written straight into the table, some sharing an instant, oldest first. */
async function decidedRequests(as: Actor, count: number) {
  const prompt = await createPrompt(as);
  const version = await createVersion(as, prompt.id);
  const base = Date.now() - 3_600_000;
  const rows = Array.from({ length: count }, (_, index) => ({
    id: newId("approval"),
    workspaceId: as.workspaceId,
    promptId: prompt.id,
    environment: "production" as const,
    versionId: version.id,
    requestedById: as.session.user.id,
    status: "approved" as const,
    decidedById: as.session.user.id,
    decidedAt: new Date(base + index * 60_000 + 1),
    // Pairs share their created_at: the id breaks the tie.
    createdAt: new Date(base + Math.floor(index / 2) * 60_000),
  }));
  await withContext((ctx) => ctx.db().insert(approvalRequests).values(rows));
  return rows;
}

async function page(as: Actor, query: string) {
  const response = await as.call("GET", `/api/approvals?${query}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { approvals: Array<{ id: string; created_at: string }>; next_cursor: string | null };
}

describe("GET /api/approvals history", () => {
  it("pages past the first page by cursor, newest first, each row once", async () => {
    const { owner } = await workspaceWith();
    const rows = await decidedRequests(owner, 7);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const next = await page(owner, `status=approved&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(next.approvals.length).toBeLessThanOrEqual(3);
      seen.push(...next.approvals.map((approval) => approval.id));
      cursor = next.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen.toSorted()).toEqual(rows.map((row) => row.id).toSorted());
    const times = (await page(owner, "status=approved&limit=200")).approvals.map((approval) => Date.parse(approval.created_at));
    expect(times).toEqual(times.toSorted((a, b) => b - a));
    // Default page, all of them: no next page.
    expect((await page(owner, "status=approved")).next_cursor).toBeNull();
  });

  it("refuses a cursor of another workspace, a malformed one and a limit past 200 with 400", async () => {
    const { owner } = await workspaceWith();
    const { owner: stranger } = await workspaceWith();
    await decidedRequests(stranger, 3);
    const theirs = await page(stranger, "status=approved&limit=1");
    expect(theirs.next_cursor).toEqual(expect.any(String));
    for (const query of [`status=approved&cursor=${encodeURIComponent(theirs.next_cursor!)}`, "status=approved&cursor=not-a-cursor", "limit=201", "limit=0"]) {
      const refused = await owner.call("GET", `/api/approvals?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body!.error.code, query).toBe("VALIDATION_FAILED");
    }
  });
});
