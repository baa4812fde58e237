/**
 * Scheduled publishing on the whole local stack (issue #18): a publish scheduled two seconds
 * ahead is delivered by the local QStash to the API worker's job at its time, served by the
 * edge, and shows in the deployment history; a cancelled one never happens. Waits are bounded
 * polls, never timing assertions (the machine may be slow). Exactly-once under redelivery, the
 * approval rule, roles, validation and tenancy: routes/prompts/lifecycle/scheduled-deployments.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.ts";
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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function servedVersion(slug: string, apiKey: string): Promise<number | null> {
  const response = await fetch(`${stack.urls.edge}/api/v1/get-prompt/${slug}`, { headers: { authorization: `Bearer ${apiKey}` } });
  return response.ok ? ((await response.json()) as { version: number }).version : null;
}

/** A workspace with a prompt of three versions, v1 live in production, and a key the edge serves it with. */
async function servingPrompt() {
  const session = await api("POST", "/api/auth/register", { body: { email: `pm-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Pat" } });
  const token = session.body.access_token as string;
  const workspace = await api("POST", "/api/workspaces", { token, body: { name: "Launches" } });
  const ws = { token, workspaceId: workspace.body.id as string };
  const slug = `launch-${crypto.randomUUID().slice(0, 8)}`;
  const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug, name: "Launch" } });
  const versions: string[] = [];
  for (const content of ["Hello v1", "Hello v2", "Hello v3"]) versions.push((await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content } })).body.id as string);
  expect((await api("PUT", `/api/prompts/${prompt.body.id}/versions/${versions[0]}/publish`, ws)).status).toBe(200);
  const key = await api("POST", "/api/product-api-keys", { ...ws, body: { name: "web app" } });
  const apiKey = key.body.key as string;
  expect(await servedVersion(slug, apiKey)).toBe(1);
  return { ws, userId: session.body.user.id as string, promptId: prompt.body.id as string, slug, versions, apiKey };
}

describe("scheduled publishing, over HTTP", () => {
  it("publishes a version scheduled two seconds ahead: the edge serves it and the history shows it; a cancelled schedule never happens", async () => {
    const { ws, userId, promptId, slug, versions, apiKey } = await servingPrompt();
    const schedules = `/api/prompts/${promptId}/scheduled-deployments`;

    const scheduled = await api("POST", schedules, { ...ws, body: { action: "publish", environment: "production", version_id: versions[1], run_at: new Date(Date.now() + 2_000).toISOString() } });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);
    // Far enough ahead that a busy machine still cancels it before its time.
    const cancelledRunAt = Date.now() + 15_000;
    const doomed = await api("POST", schedules, { ...ws, body: { action: "publish", environment: "production", version_id: versions[2], run_at: new Date(cancelledRunAt).toISOString() } });
    expect(doomed.status, JSON.stringify(doomed.body)).toBe(201);
    expect((await api("DELETE", `${schedules}/${doomed.body.id}`, ws)).status).toBe(200);

    // Bounded wait, no timing assertion: the stack shares a slow machine.
    expect(await until(15_000, () => servedVersion(slug, apiKey), (version) => version === 2)).toBe(2);
    const history = await api("GET", `/api/prompts/${promptId}/deployments`, ws);
    expect(history.body.deployments[0]).toMatchObject({ environment: "production", action: "publish", to_version_id: versions[1], version: 2, actor_user_id: userId });
    const listed = await until(5_000, () => api("GET", schedules, ws), (response) => response.body.recent.some((schedule: { id: string; status: string }) => schedule.id === scheduled.body.id && schedule.status === "done"));
    expect(listed.body.pending).toEqual([]);
    expect(listed.body.recent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: scheduled.body.id, status: "done", outcome: expect.objectContaining({ deployment_id: history.body.deployments[0].id }) }),
        expect.objectContaining({ id: doomed.body.id, status: "cancelled" }),
      ]),
    );

    // Well past the cancelled schedule's time: still v2, and no further deployment.
    await sleep(Math.max(0, cancelledRunAt + 5_000 - Date.now()));
    expect(await servedVersion(slug, apiKey)).toBe(2);
    expect((await api("GET", `/api/prompts/${promptId}/deployments`, ws)).body.deployments).toHaveLength(2);
    expect((await api("GET", schedules, ws)).body.recent).toEqual(expect.arrayContaining([expect.objectContaining({ id: doomed.body.id, status: "cancelled", ran_at: null })]));
  }, 60_000);
});
