import { describe, expect, it } from "vitest";
import { inArray, sql } from "drizzle-orm";
import { prompts } from "@xr2/db/schema";
import { createPrompt, withContext, workspaceWith, type Actor } from "./prompt-test-support.ts";

async function walk(as: Actor, query: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const response = await as.call("GET", `/api/prompts?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const ids = response.body!.prompts.map((prompt: { id: string }) => prompt.id) as string[];
    expect(ids.length).toBeLessThanOrEqual(limit);
    seen.push(...ids);
    cursor = response.body!.next_cursor;
    if (cursor === null) return seen;
  }
  throw new Error("pagination did not end");
}

describe("listing prompts", () => {
  it("walks every page exactly once for each sort and order, with ties on the sort value broken by id", async () => {
    const { owner } = await workspaceWith();
    // Timestamps equal to the microsecond, or a microsecond apart (closer than a JS Date can tell).
    const micros = [456, 456, 456, 457, 457, 455, 456];
    const names = ["Same", "Same", "Same", "Same", "Alpha", "Zeta", "Mid"];
    const created: Array<Awaited<ReturnType<typeof createPrompt>>> = [];
    for (const name of names) created.push(await createPrompt(owner, { name }));
    await withContext(async (ctx) => {
      for (const [index, prompt] of created.entries()) {
        const at = `2031-05-06 07:08:09.123${micros[index]}+00`;
        await ctx.db().execute(sql`update ${prompts} set updated_at = ${at}::timestamptz, created_at = ${at}::timestamptz where id = ${prompt.id}`);
      }
    });
    const rows = created.map((prompt, index) => ({ id: prompt.id, slug: prompt.slug, name: names[index]!, at: micros[index]! }));
    const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
    const expected = (key: "at" | "name" | "slug", order: "asc" | "desc") =>
      rows
        .toSorted((x, y) => compare(x[key], y[key]) || compare(x.id, y.id))
        .map((row) => row.id)
        [order === "asc" ? "slice" : "toReversed"]();

    for (const [sort, key] of [["updated_at", "at"], ["created_at", "at"], ["name", "name"], ["slug", "slug"]] as const) {
      for (const order of ["asc", "desc"] as const) {
        for (const limit of [1, 2, 3, 100]) {
          expect(await walk(owner, `sort=${sort}&order=${order}`, limit), `${sort} ${order} limit ${limit}`).toEqual(expected(key, order));
        }
      }
    }
    // Defaults: newest first.
    expect(await walk(owner, "", 2)).toEqual(expected("at", "desc"));
  });

  it("searches slug, name and description case-insensitively, with % and _ taken literally", async () => {
    const { owner } = await workspaceWith();
    const percent = await createPrompt(owner, { name: "50% OFF banner" });
    await createPrompt(owner, { name: "500 off banner" });
    const underscore = await createPrompt(owner, { name: "a_b test" });
    await createPrompt(owner, { name: "axb test" });
    const described = await createPrompt(owner, { name: "Plain", description: "Mentions the Refund Policy" });
    const search = async (q: string) =>
      ((await owner.call("GET", `/api/prompts?q=${encodeURIComponent(q)}&sort=name`)).body!.prompts as Array<{ id: string }>).map((prompt) => prompt.id);

    expect(await search("%")).toEqual([percent.id]);
    expect(await search("0% off")).toEqual([percent.id]);
    expect(await search("a_b")).toEqual([underscore.id]);
    expect(await search("refund policy")).toEqual([described.id]);
    expect(await search(percent.slug.toUpperCase())).toEqual([percent.id]);
    expect(await search("\\")).toEqual([]);
    expect(await search("nothing like this")).toEqual([]);
  });

  it("filters by tag (id or name) and status", async () => {
    const { owner } = await workspaceWith();
    const tagged = await createPrompt(owner, { tags: ["growth"] });
    const archived = await createPrompt(owner, { tags: ["growth"] });
    await createPrompt(owner);
    expect((await owner.call("DELETE", `/api/prompts/${archived.id}`)).status).toBe(204);
    const ids = async (query: string) => ((await owner.call("GET", `/api/prompts?${query}`)).body!.prompts as Array<{ id: string }>).map((prompt) => prompt.id);

    expect(await ids("tag=growth")).toEqual([tagged.id]);
    expect(await ids(`tag=${tagged.tags[0]!.id}`)).toEqual([tagged.id]);
    expect(await ids("tag=growth&status=archived")).toEqual([archived.id]);
    expect(await ids("tag=unknown")).toEqual([]);
  });

  it("refuses bad parameters and cursors with 400", async () => {
    const { owner } = await workspaceWith();
    for (const _ of [1, 2, 3]) await createPrompt(owner);
    const first = await owner.call("GET", "/api/prompts?limit=1&sort=name");
    const cursor = first.body!.next_cursor as string;
    expect(cursor).toEqual(expect.any(String));
    for (const query of [
      "limit=0",
      "limit=101",
      "limit=abc",
      "sort=owner",
      "order=sideways",
      "status=deleted",
      `q=${"x".repeat(201)}`,
      "cursor=not-a-cursor!",
      `cursor=${btoa(JSON.stringify(["name", "asc", 5, "pr_x"]))}`,
      `cursor=${encodeURIComponent(cursor)}&sort=slug`,
      `cursor=${encodeURIComponent(cursor)}&sort=name&order=desc`,
      `cursor=${"a".repeat(2049)}`,
    ]) {
      const response = await owner.call("GET", `/api/prompts?${query}`);
      expect(response.status, query).toBe(400);
    }
    expect((await owner.call("GET", `/api/prompts?sort=name&limit=1&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
  });

  it("never lists another workspace's prompts", async () => {
    const { owner: mine } = await workspaceWith();
    const { owner: theirs } = await workspaceWith();
    const own = await createPrompt(mine, { name: "Shared words" });
    await createPrompt(theirs, { name: "Shared words", tags: ["growth"] });
    const both = await withContext((ctx) => ctx.db().select({ id: prompts.id }).from(prompts).where(inArray(prompts.workspaceId, [mine.workspaceId, theirs.workspaceId])));
    expect(both).toHaveLength(2);
    expect((await mine.call("GET", "/api/prompts?q=shared")).body!.prompts.map((prompt: { id: string }) => prompt.id)).toEqual([own.id]);
    expect((await mine.call("GET", "/api/prompts?tag=growth")).body!.prompts).toEqual([]);
  });
});
