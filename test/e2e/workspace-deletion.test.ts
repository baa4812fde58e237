/**
 * Workspace deletion on the whole local stack (issue #15): an Admin deletes a workspace by typing
 * its name; its API key is refused by the edge within a second, and the purge job — delivered by
 * the local QStash to the API worker, as in production — leaves none of its rows in any table
 * that has a workspace_id column (read from the database's own catalogue), while another
 * workspace keeps its key and its rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.ts";
import { queryDatabase } from "../support/database.ts";
import { apiClient, until } from "../support/http-client.ts";
import { startTestStack } from "../support/test-stack.ts";

let stack: LocalStack;
let stopStack: () => Promise<void>;

beforeAll(async () => {
  ({ stack, stop: stopStack } = await startTestStack());
}, 120_000);

afterAll(async () => {
  await stopStack?.();
});

const api = apiClient(() => stack.urls.api);

function getPrompt(slug: string, apiKey: string) {
  return fetch(`${stack.urls.edge}/api/v1/get-prompt/${slug}`, { headers: { authorization: `Bearer ${apiKey}` } });
}

/** A workspace with a published prompt and a key the edge serves it with. */
async function servingWorkspace(token: string, name: string) {
  const workspace = await api("POST", "/api/workspaces", { token, body: { name } });
  const ws = { token, workspaceId: workspace.body.id as string };
  const slug = `welcome-${crypto.randomUUID().slice(0, 8)}`;
  const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug, name: "Welcome" } });
  const version = await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content: "Hello" } });
  expect((await api("PUT", `/api/prompts/${prompt.body.id}/versions/${version.body.id}/publish`, { ...ws, body: { environment: "production" } })).status).toBe(200);
  const key = await api("POST", "/api/product-api-keys", { ...ws, body: { name: "web app" } });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  const apiKey = key.body.key as string;
  expect((await getPrompt(slug, apiKey)).status).toBe(200);
  return { ...ws, slug, apiKey };
}

/** Rows naming the workspace, per table with a workspace_id column (and the workspace row itself). */
async function rowsOf(workspaceId: string): Promise<Record<string, number>> {
  const tables = await queryDatabase<{ table_name: string }>(
    stack.urls.database,
    "select table_name from information_schema.columns where table_schema = 'public' and column_name = 'workspace_id' order by table_name",
  );
  const counts: Record<string, number> = {};
  for (const { table_name: table } of [...tables, { table_name: "workspaces" }]) {
    const column = table === "workspaces" ? "id" : "workspace_id";
    const [row] = await queryDatabase<{ n: string }>(stack.urls.database, `select count(*) as n from "${table}" where ${column} = $1`, [workspaceId]);
    counts[table] = Number(row!.n);
  }
  return counts;
}

describe("deleting a workspace", () => {
  it("refuses its key at the edge within a second, and the purge job removes all its rows", async () => {
    const session = await api("POST", "/api/auth/register", { body: { email: `pm-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Pat" } });
    const token = session.body.access_token as string;
    const doomed = await servingWorkspace(token, "Old checkout");
    const kept = await servingWorkspace(token, "Growth");
    const keptRows = await rowsOf(kept.workspaceId);
    expect(Object.values(await rowsOf(doomed.workspaceId)).filter((n) => n > 0).length).toBeGreaterThan(5);

    const refused = await api("DELETE", `/api/workspaces/${doomed.workspaceId}`, { token, body: { confirm_name: "old checkout" } });
    expect(refused.status).toBe(422);
    const deleted = await api("DELETE", `/api/workspaces/${doomed.workspaceId}`, { token, body: { confirm_name: "Old checkout" } });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(202);
    expect(deleted.body.purge_queued).toBe(true);

    // Within a second of the 202 the key is refused: no call sent a second or more after it is
    // served. Judged by when each call was sent, so a busy machine's slow answers cannot fail it.
    const deletedAt = Date.now();
    const calls: Array<{ sentAfterMs: number; status: number }> = [];
    const edgeStatus = await until(10_000, async () => {
      const sentAfterMs = Date.now() - deletedAt;
      const { status } = await getPrompt(doomed.slug, doomed.apiKey);
      calls.push({ sentAfterMs, status });
      return status;
    }, (status) => status === 401);
    expect(edgeStatus, JSON.stringify(calls)).toBe(401);
    expect(calls.filter((call) => call.status !== 401 && call.sentAfterMs >= 1_000), "the deleted workspace's key served a second after the deletion").toEqual([]);
    expect((await api("GET", `/api/workspaces/${doomed.workspaceId}`, { token })).status).toBe(404);

    const left = await until(30_000, () => rowsOf(doomed.workspaceId), (counts) => Object.values(counts).every((n) => n === 0));
    expect(Object.entries(left).filter(([, n]) => n > 0)).toEqual([]);

    expect((await getPrompt(kept.slug, kept.apiKey)).status).toBe(200);
    const keptAfter = await rowsOf(kept.workspaceId);
    // The kept workspace only gained exposures of the calls above (and nothing was taken from it).
    for (const [table, n] of Object.entries(keptRows)) expect(keptAfter[table], table).toBeGreaterThanOrEqual(n);
    const workspaces = await api("GET", "/api/workspaces", { token });
    expect(workspaces.body.workspaces.map((workspace: { id: string }) => workspace.id)).toEqual([kept.workspaceId]);
  });
});
